"""The school's CSV of pupils with their responsables légaux: the pupil columns (accounts'
pupil_import) plus, optionally, for each of two guardians: nom, prénom, lien, mobile, e-mail,
adresse. Headers like "responsable 1 nom", "nom responsable 1", "resp1 mobile" or
"responsable 2 e-mail" (accents, case, hyphens and underscores ignored).

All or nothing: a problem in a pupil column or a guardian column anywhere ("Ligne N : ..."),
including a malformed mobile, and nothing is created. Pupils already imported get the file's
guardians (the school's records are the truth); when the file has no guardian column, the
guardians already recorded are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from sqlmodel import Session

from cjeune_app.core.accounts.pupil_import import (
    ImportResult,
    decode,
    import_pupils_csv,
    parse_pupils_csv,
    separator,
)
from cjeune_app.core.dates import paris_today
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.guardians.models import MAX_GUARDIANS_PER_PUPIL
from cjeune_app.core.guardians.records import GuardianData, GuardianInput, check_guardian, set_guardians
from cjeune_app.core.text import fold

FIELDS = {
    "last_name": ("nom",),
    "first_name": ("prenom",),
    "relation": ("lien", "lien de parente", "qualite"),
    "mobile": ("mobile", "portable", "telephone portable", "tel portable", "telephone mobile"),
    "email": ("email", "e mail", "mail", "courriel", "adresse e mail", "adresse email"),
    "address": ("adresse", "adresse postale"),
}
FIELD_LABELS = {"last_name": "nom", "first_name": "prénom", "relation": "lien", "mobile": "mobile",
                "email": "e-mail", "address": "adresse"}
_WHO = re.compile(r"^(?:responsable|resp|representant|representant legal|rl)\s*([12])$")


def _guardian_column(header: str) -> tuple[int, str] | None:
    """'Responsable 1 nom', 'nom responsable 1', 'resp1_mobile', 'Responsable 2 e-mail' -> (rank, field)."""
    name = fold(header.replace("_", " ").replace(".", " "))
    for field, aliases in FIELDS.items():
        for alias in aliases:
            for who in (name.removeprefix(alias).strip() if name.startswith(alias + " ") else None,
                        name.removesuffix(alias).strip() if name.endswith(" " + alias) else None):
                match = _WHO.match(who or "")
                if match:
                    return int(match.group(1)), field
    return None


def parse_guardian_columns(csv_bytes: bytes) -> tuple[dict[int, list[GuardianData]], list[str]]:
    """The guardians of each line number (only for lines with guardian columns filled), and a
    French sentence per problem ("Ligne N : ...")."""
    text = decode(csv_bytes)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        return {}, []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(first_line))
    header: list[str] = []
    for cells in reader:  # the first non-blank line names the columns
        if any(cell.strip() for cell in cells):
            header = cells
            break
    columns = {index: spot for index, cell in enumerate(header) if (spot := _guardian_column(cell))}
    if not columns:
        return {}, []
    guardians: dict[int, list[GuardianData]] = {}
    errors: list[str] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        line = reader.line_num
        values: dict[int, dict[str, str]] = {rank: {} for rank in range(1, MAX_GUARDIANS_PER_PUPIL + 1)}
        for index, (rank, field) in columns.items():
            values[rank][field] = cells[index].strip() if index < len(cells) else ""
        found: list[GuardianData] = []
        for rank, fields in values.items():
            typed = GuardianInput(**fields)
            if typed.is_blank():
                continue
            data, problems = check_guardian(typed)
            for field, problem in problems.items():
                errors.append(f"Ligne {line} : responsable {rank}, {FIELD_LABELS[field]} : {problem}.")
            if data is not None:
                found.append(data)
        guardians[line] = found
    return guardians, errors


def _line_of(message: str) -> int:
    match = re.match(r"Ligne (\d+)", message)
    return int(match.group(1)) if match else 0


def import_pupils_and_guardians(session: Session, establishment: Establishment, csv_bytes: bytes, *,
                                today: dt.date | None = None) -> ImportResult:
    """`accounts.pupil_import.import_pupils_csv` plus the guardian columns; the caller rolls back
    when the result has errors (as for the pupils alone)."""
    guardians, guardian_errors = parse_guardian_columns(csv_bytes)
    if guardian_errors:  # nothing is created: the pupil columns are only checked, for one full list
        _, pupil_errors = parse_pupils_csv(csv_bytes, today or paris_today())
        return ImportResult(errors=sorted(pupil_errors + guardian_errors, key=_line_of))  # stable sort
    result = import_pupils_csv(session, establishment, csv_bytes, today=today)
    if not result.ok:
        return result
    for line, pupil_id in result.pupil_ids_by_line.items():
        if line in guardians:
            pupil = session.get(Pupil, pupil_id)
            assert pupil is not None
            set_guardians(session, pupil, guardians[line])
    return result
