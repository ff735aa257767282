"""Card stock for schools: batches of new numbers, the printer's CSV and the QR codes.

Operations take the caller's session and never commit (the caller's `session_scope` does)."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.image.svg
import sqlalchemy as sa
from sqlmodel import Session, col, select

from cjeune_app.core.cards import errors
from cjeune_app.core.cards.models import Card, CardBatch
from cjeune_app.core.cards.numbers import format_card_number, generate_card_number
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import CardStatus
from cjeune_app.core.establishments.api import establishment_by_uai
from cjeune_app.core.establishments.models import Establishment

MAX_CARDS_PER_BATCH = 5_000
PRINTER_CSV_HEADER = ["numéro", "numéro formaté", "UAI", "établissement", "contenu du QR"]


@dataclass(frozen=True)
class IssuedBatch:
    batch_id: int
    establishment_uai: str
    establishment_name: str
    numbers: list[str]


def _unused_numbers(session: Session, count: int, rng: random.Random | None) -> list[str]:
    numbers: dict[str, None] = {}  # ordered set: the printer gets them in drawing order
    while len(numbers) < count:
        drawn = {generate_card_number(rng) for _ in range(count - len(numbers))} - numbers.keys()
        taken = set(session.exec(select(col(Card.number)).where(col(Card.number).in_(drawn))))
        numbers.update((number, None) for number in sorted(drawn - taken))
    return list(numbers)


def issue_cards(
    session: Session, establishment_uai: str, count: int, rng: random.Random | None = None
) -> IssuedBatch:
    """A batch of new card numbers (Luhn check digit, unique) in stock for a school."""
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_CARDS_PER_BATCH:
        raise errors.InvalidCardCount(MAX_CARDS_PER_BATCH)
    school = establishment_by_uai(session, establishment_uai or "")
    if school is None or school.id is None:
        raise errors.UnknownEstablishment((establishment_uai or "").strip().upper())
    batch = CardBatch(establishment_id=school.id, count=count)
    session.add(batch)
    session.flush()
    assert batch.id is not None
    for _ in range(5):
        numbers = _unused_numbers(session, count, rng)
        now = utcnow()
        rows = [{"number": n, "batch_id": batch.id, "establishment_id": school.id, "status": CardStatus.STOCK,
                 "created_at": now}
                for n in numbers]
        try:
            with session.begin_nested():
                session.execute(sa.insert(Card.__table__), rows)  # type: ignore[attr-defined]
            break
        except sa.exc.IntegrityError:
            continue  # another batch took one of these numbers at the same moment: draw again
    else:
        raise RuntimeError("Impossible de tirer des numéros de carte libres après 5 essais.")
    return IssuedBatch(batch.id, school.uai, school.name, numbers)


def batch_by_id(session: Session, batch_id: int) -> IssuedBatch | None:
    batch = session.get(CardBatch, batch_id)
    school = session.get(Establishment, batch.establishment_id) if batch is not None else None
    if batch is None or batch.id is None or school is None:
        return None
    numbers = session.exec(select(col(Card.number)).where(col(Card.batch_id) == batch_id).order_by(col(Card.id))).all()
    return IssuedBatch(batch.id, school.uai, school.name, list(numbers))


def qr_payload(number: str) -> str:
    """What the QR code of a card holds: its number, nothing personal."""
    return number


def _qr(number: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(qr_payload(number))
    code.make(fit=True)
    return code


def card_qr_png(number: str) -> bytes:
    buffer = io.BytesIO()
    _qr(number).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


# A card's QR code never changes, and drawing it costs about 2 ms of CPU: the dashboard shows it at
# every opening ("Ma carte"). A few KB each, the last thousand cards shown are kept.
@functools.lru_cache(maxsize=1024)
def card_qr_svg(number: str) -> str:
    return str(_qr(number).make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode"))


def printer_csv(batch: IssuedBatch) -> str:
    """The card printer's file: one line per card, ';'-separated, UTF-8.

    The number stays text: opened in a spreadsheet, 16 digits would be rounded — give the printer
    the file itself."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(PRINTER_CSV_HEADER)
    for number in batch.numbers:
        writer.writerow([number, format_card_number(number), batch.establishment_uai,
                         batch.establishment_name, qr_payload(number)])
    return buffer.getvalue()


def write_printer_files(batch: IssuedBatch, out_dir: Path, qr_format: str = "png") -> dict[str, str | int]:
    """Writes `lot-<id>-<UAI>.csv` and one QR code image per card (`qr/<number>.<png|svg>`)."""
    out_dir = Path(out_dir)
    qr_dir = out_dir / "qr"
    qr_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / f"lot-{batch.batch_id}-{batch.establishment_uai}.csv"
    csv_path.write_text(printer_csv(batch), encoding="utf-8")
    for number in batch.numbers:
        if qr_format == "svg":
            (qr_dir / f"{number}.svg").write_text(card_qr_svg(number), encoding="utf-8")
        else:
            (qr_dir / f"{number}.png").write_bytes(card_qr_png(number))
    return {"csv": str(csv_path), "qr_dir": str(qr_dir), "qr_format": qr_format, "count": len(batch.numbers)}


def printer_zip(batch: IssuedBatch) -> bytes:
    """One download for the printer: the CSV and a QR code PNG per card (`qr/<number>.png`).
    PNGs are already compressed: they are stored, not deflated again."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"lot-{batch.batch_id}-{batch.establishment_uai}.csv", printer_csv(batch).encode(),
                         compress_type=zipfile.ZIP_DEFLATED)
        for number in batch.numbers:
            archive.writestr(f"qr/{number}.png", card_qr_png(number), compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


@dataclass(frozen=True)
class BatchSummary:
    batch_id: int
    establishment_uai: str
    establishment_name: str
    count: int
    created_at: dt.datetime


def recent_batches(session: Session, limit: int = 20) -> list[BatchSummary]:
    """The latest batches of card stock, newest first (the agents' page)."""
    rows = session.exec(
        select(CardBatch, col(Establishment.uai), col(Establishment.name))
        .join(Establishment, col(Establishment.id) == col(CardBatch.establishment_id))
        .order_by(col(CardBatch.id).desc()).limit(limit)
    ).all()
    return [BatchSummary(batch.id or 0, uai, name, batch.count, batch.created_at) for batch, uai, name in rows]
