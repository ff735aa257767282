"""A school's CSV of pupils → pupil records, Eduprovence accounts and the PDF of letters.

All or nothing: every row is checked before anything is created, and a file with one bad row
creates nothing; each problem is reported with its line number and how to fix it.

Accepted files: columns nom, prénom, date de naissance (jj/mm/aaaa), classe (or "division",
as school software exports it), in any order; separator ; or , (or tab); UTF-8 with or
without BOM, or Windows-1252/Latin-1 (Excel's "CSV" on Windows).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from sqlmodel import Session, select

from cjeune_app.core.accounts.identifiers import eduprovence_base
from cjeune_app.core.accounts.letters import Letter, letters_pdf
from cjeune_app.core.accounts.passwords import generate_temporary_password, hash_passwords
from cjeune_app.core.accounts.pupils import create_pupil_with_account
from cjeune_app.core.dates import age_on, format_date, paris_today, parse_date_fr
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.text import fold

MAX_FILE_BYTES = 2_000_000
MAX_PUPILS = 3_000
MIN_AGE, MAX_AGE = 8, 25  # collèges, MFR and médico-éducatifs; outside is a typo in the year

COLUMNS = {
    "last_name": ("nom", "nom de famille", "nom eleve"),
    "first_name": ("prenom", "prenom eleve"),
    "birth_date": ("date de naissance", "date naissance", "naissance", "ne le", "ne e le", "nee le"),
    "class_name": ("classe", "division"),
}
COLUMN_LABELS = {"last_name": "nom", "first_name": "prénom", "birth_date": "date de naissance",
                 "class_name": "classe"}


@dataclass(frozen=True)
class Row:
    line: int
    last_name: str
    first_name: str
    birth_date: dt.date
    class_name: str


@dataclass(frozen=True)
class ImportedPupil:
    pupil_id: int
    login: str
    last_name: str
    first_name: str
    class_name: str


@dataclass
class ImportResult:
    """`errors`: French sentences starting with the line number; when any, nothing was created."""

    errors: list[str] = field(default_factory=list)
    created: list[ImportedPupil] = field(default_factory=list)
    already_known: list[str] = field(default_factory=list)  # rows of pupils imported before
    letters_pdf: bytes | None = None
    pupil_ids_by_line: dict[int, int] = field(default_factory=dict)  # created and already known

    @property
    def ok(self) -> bool:
        return not self.errors


def import_pupils_csv(
    session: Session,
    establishment: Establishment,
    csv_bytes: bytes,
    *,
    today: dt.date | None = None,
) -> ImportResult:
    """Creates the pupils of a valid file (skipping those already imported) and their letters.

    Who may import for this school is checked by the use case (`core.use_cases.school`).
    """
    assert establishment.id is not None
    today = today or paris_today()
    rows, errors = parse_pupils_csv(csv_bytes, today)
    if errors:
        return ImportResult(errors=errors)
    result = ImportResult()
    known = _known_pupils(session, establishment.id)
    newcomers = []
    for row in rows:
        identity = (fold(row.last_name), fold(row.first_name), row.birth_date)
        if identity in known:
            result.pupil_ids_by_line[row.line] = known[identity]
            result.already_known.append(
                f"Ligne {row.line} : {row.first_name} {row.last_name} ({format_date(row.birth_date)}) "
                "a déjà un compte : ligne ignorée."
            )
        else:
            newcomers.append(row)
    passwords = [generate_temporary_password() for _ in newcomers]
    letters = []
    for row, password, password_hash in zip(newcomers, passwords, hash_passwords(passwords), strict=True):
        pupil, account, _ = create_pupil_with_account(
            session, establishment, row.last_name, row.first_name, row.birth_date, row.class_name,
            temporary_password=password, temporary_password_hash=password_hash,
        )
        assert pupil.id is not None
        result.pupil_ids_by_line[row.line] = pupil.id
        result.created.append(ImportedPupil(pupil.id, account.login, pupil.last_name, pupil.first_name,
                                            pupil.class_name))
        letters.append(Letter(pupil.first_name, pupil.last_name, pupil.class_name, establishment.name,
                              account.login, password))
    result.letters_pdf = letters_pdf(letters) if letters else None
    return result


def _known_pupils(session: Session, establishment_id: int) -> dict[tuple[str, str, dt.date], int]:
    pupils = session.exec(select(Pupil).where(Pupil.establishment_id == establishment_id)).all()
    return {(fold(p.last_name), fold(p.first_name), p.birth_date): p.id for p in pupils if p.id is not None}


def decode(csv_bytes: bytes) -> str:
    if csv_bytes.startswith(b"\xef\xbb\xbf"):
        csv_bytes = csv_bytes[3:]
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return csv_bytes.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any byte")


def separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep])


def _header_map(header: list[str]) -> tuple[dict[str, int], str | None]:
    names = [fold(name.replace("_", " ").replace(".", " ")) for name in header]
    positions = {}
    for column, aliases in COLUMNS.items():
        for index, name in enumerate(names):
            if name in aliases:
                positions[column] = index
                break
    missing = [COLUMN_LABELS[c] for c in COLUMNS if c not in positions]
    if missing:
        return positions, (
            "Ligne 1 : colonne(s) manquante(s) : " + ", ".join(missing) + ". La première ligne doit "
            "nommer les colonnes : nom ; prénom ; date de naissance ; classe."
        )
    return positions, None


def parse_pupils_csv(csv_bytes: bytes, today: dt.date) -> tuple[list[Row], list[str]]:
    """Every valid row, and a French sentence per problem (empty when the file is good)."""
    if len(csv_bytes) > MAX_FILE_BYTES:
        return [], [f"Le fichier dépasse {MAX_FILE_BYTES // 1_000_000} Mo : découpez-le en plusieurs fichiers."]
    text = decode(csv_bytes)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        return [], ["Le fichier est vide : il doit contenir une ligne d'en-tête puis une ligne par élève."]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(first_line))
    header = next(reader)
    while not any(cell.strip() for cell in header):
        header = next(reader)
    positions, problem = _header_map(header)
    if problem:
        return [], [problem]
    rows: list[Row] = []
    errors: list[str] = []
    seen: dict[tuple[str, str, dt.date], int] = {}
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        line = reader.line_num
        row, problems = _row(cells, positions, line, today)
        if row is not None:
            identity = (fold(row.last_name), fold(row.first_name), row.birth_date)
            if identity in seen:
                problems.append(f"Ligne {line} : même élève que la ligne {seen[identity]} "
                                "(nom, prénom et date de naissance) : supprimez l'une des deux lignes.")
            else:
                seen[identity] = line
                rows.append(row)
        errors.extend(problems)
        if len(rows) > MAX_PUPILS:
            return [], [f"Le fichier compte plus de {MAX_PUPILS} élèves : découpez-le en plusieurs fichiers."]
    if not rows and not errors:
        errors.append("Le fichier ne contient aucun élève : ajoutez une ligne par élève sous l'en-tête.")
    return rows, errors


def _row(cells: list[str], positions: dict[str, int], line: int, today: dt.date) -> tuple[Row | None, list[str]]:
    needed = max(positions.values()) + 1
    if len(cells) < needed:
        return None, [f"Ligne {line} : {len(cells)} colonne(s) au lieu d'au moins {needed} : "
                      "vérifiez le séparateur (; ou ,) et les guillemets."]
    value = {column: cells[index].strip() for column, index in positions.items()}
    problems = [
        message for message in (
            _name_problem(value["last_name"], "nom"),
            _name_problem(value["first_name"], "prénom"),
            _class_problem(value["class_name"]),
        ) if message
    ]
    birth_date, date_problem = _birth_date(value["birth_date"], today)
    if date_problem:
        problems.append(date_problem)
    if not problems and not _has_login_letters(value["last_name"], value["first_name"]):
        problems.append("le nom et le prénom doivent contenir des lettres (A à Z, accentuées ou non)")
    if problems or birth_date is None:
        return None, [f"Ligne {line} : {problem}." for problem in problems]
    return Row(line, value["last_name"], value["first_name"], birth_date, value["class_name"]), []


def _name_problem(text: str, label: str) -> str | None:
    if not text:
        return f"le {label} est vide"
    if len(text) > 100:
        return f"le {label} dépasse 100 caractères"
    return None


def _class_problem(text: str) -> str | None:
    if not text:
        return "la classe est vide (exemple : 5e B)"
    if len(text) > 32:
        return "la classe dépasse 32 caractères"
    return None


def _birth_date(text: str, today: dt.date) -> tuple[dt.date | None, str | None]:
    if not text:
        return None, "la date de naissance est vide (jj/mm/aaaa, exemple : 14/03/2013)"
    try:
        birth_date = parse_date_fr(text)
    except ValueError:
        return None, f"la date de naissance « {text} » n'est pas une date jj/mm/aaaa (exemple : 14/03/2013)"
    age = age_on(birth_date, today)
    if not MIN_AGE <= age <= MAX_AGE:
        return None, (f"la date de naissance {format_date(birth_date)} donne {max(age, 0)} ans, "
                      "ce qui ne peut pas être celui d'un élève : vérifiez l'année")
    return birth_date, None


def _has_login_letters(last_name: str, first_name: str) -> bool:
    try:
        eduprovence_base(last_name, first_name)
    except ValueError:
        return False
    return True
