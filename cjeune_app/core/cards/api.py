"""Cards: stock for schools (numbers, printer CSV, QR codes), "Associer une carte", loss and replacement.

A card is only a key to the youth's wallets: balances belong to the youth (wallet per youth, season
and envelope), so a replacement card carries them without any transfer, and the season's credit
happens once per youth whatever the number of cards.

Operations take the caller's session and never commit (the caller's `session_scope` does).
Refusals are typed errors (cards/errors.py) with French messages; a wrong card number is recorded
for throttling even though the association is refused (`keep_changes`, see core/errors.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.image.svg
import sqlalchemy as sa
from sqlmodel import Session, select

from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.cards import errors
from cjeune_app.core.cards.models import Card, CardAssociationAttempt, CardBatch
from cjeune_app.core.cards.numbers import (
    format_card_number,
    generate_card_number,
    is_well_formed,
    mask_card_number,
    normalize_card_number,
)
from cjeune_app.core.db import utcnow
from cjeune_app.core.enrollment.models import Enrollment
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.api import establishment_by_uai
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.formats import paris_today
from cjeune_app.core.photos.api import photo_state
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet import api as wallet_api
from cjeune_app.core.wallet.errors import InvalidIdempotencyKey

MAX_CARDS_PER_BATCH = 5_000
WRONG_NUMBERS_ALLOWED = 5
WRONG_NUMBERS_WINDOW = dt.timedelta(minutes=15)
WRONG_OUTCOMES = ("unknown", "taken", "blocked")
LOSS_REASONS = {"perte": "Perte", "vol": "Vol"}
PRINTER_CSV_HEADER = ["numéro", "numéro formaté", "UAI", "établissement", "contenu du QR"]


# --- card stock ----------------------------------------------------------------------------------

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
        taken = set(session.exec(select(Card.number).where(Card.number.in_(drawn))))
        numbers.update((number, None) for number in sorted(drawn - taken))
    return list(numbers)


def issue_cards(
    session: Session, establishment_uai: str, count: int, rng: random.Random | None = None
) -> IssuedBatch:
    """A batch of new card numbers (Luhn check digit, unique) in stock for a school."""
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_CARDS_PER_BATCH:
        raise errors.InvalidCardCount(MAX_CARDS_PER_BATCH)
    school = establishment_by_uai(session, establishment_uai or "")
    if school is None:
        raise errors.UnknownEstablishment((establishment_uai or "").strip().upper())
    batch = CardBatch(establishment_id=school.id, count=count)
    session.add(batch)
    session.flush()
    for _ in range(5):
        numbers = _unused_numbers(session, count, rng)
        now = utcnow()
        rows = [dict(number=n, batch_id=batch.id, establishment_id=school.id, status="stock", created_at=now)
                for n in numbers]
        try:
            with session.begin_nested():
                session.execute(sa.insert(Card.__table__), rows)
            break
        except sa.exc.IntegrityError:
            continue  # another batch took one of these numbers at the same moment: draw again
    else:
        raise RuntimeError("Impossible de tirer des numéros de carte libres après 5 essais.")
    return IssuedBatch(batch.id, school.uai, school.name, numbers)


def batch_by_id(session: Session, batch_id: int) -> IssuedBatch | None:
    batch = session.get(CardBatch, batch_id)
    if batch is None:
        return None
    school = session.get(Establishment, batch.establishment_id)
    numbers = session.exec(select(Card.number).where(Card.batch_id == batch_id).order_by(Card.id)).all()
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


def card_qr_svg(number: str) -> str:
    return _qr(number).make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")


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


def write_printer_files(batch: IssuedBatch, out_dir: Path, qr_format: str = "png") -> dict:
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
        select(CardBatch, Establishment.uai, Establishment.name)
        .join(Establishment, Establishment.id == CardBatch.establishment_id)
        .order_by(CardBatch.id.desc()).limit(limit)
    ).all()
    return [BatchSummary(batch.id, uai, name, batch.count, batch.created_at) for batch, uai, name in rows]


# --- preconditions of association ----------------------------------------------------------------

def has_usable_photo(session: Session, pupil_id: int) -> bool:
    """The current photo exists and was not rejected (waiting for an agent is enough)."""
    return photo_state(session, pupil_id).usable


def enrollment_completed(session: Session, pupil_id: int, season_id: int) -> bool:
    status = session.exec(
        select(Enrollment.status).where(Enrollment.pupil_id == pupil_id, Enrollment.season_id == season_id)
    ).first()
    return status == "completed"


def association_blockers(session: Session, pupil_id: int, season: Season) -> list[errors.CardError]:
    """What stops this youth from associating a card this season (empty: nothing).

    The photo is needed for the request that credits the season; a replacement card associated
    after the credit moves no money and does not ask for it again."""
    blockers: list[errors.CardError] = []
    if not enrollment_completed(session, pupil_id, season.id):
        blockers.append(errors.EnrollmentNotCompleted(season.code))
    if not wallet_api.is_season_credited(session, pupil_id, season.id) and not has_usable_photo(session, pupil_id):
        blockers.append(errors.PhotoMissing())
    return blockers


# --- association ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class AssociationResult:
    card_id: int
    masked_number: str
    pupil_id: int
    season_code: str
    credited_cents: int  # credited by this association; 0 when the season had been credited before
    balances: dict[str, int]
    replaces_card_id: int | None
    was_already_associated: bool


def _locked(session: Session, model, row_id: int):
    return session.exec(
        select(model).where(model.id == row_id)
        .with_for_update(key_share=True).execution_options(populate_existing=True)
    ).first()


def may_act_for(session: Session, account: Account, pupil_id: int) -> bool:
    """The youth themself, a parent linked to them, or an agent of the Département (assistance)."""
    if not account.is_active:
        return False
    if account.role == Role.AGENT or account.pupil_id == pupil_id:
        return True
    return account.role == Role.PARENT and session.exec(
        select(ParentLink.id).where(ParentLink.parent_account_id == account.id, ParentLink.pupil_id == pupil_id)
    ).first() is not None


def _lock_account_for(session: Session, account_id: int, pupil_id: int) -> Account:
    account = _locked(session, Account, account_id)  # one attempt at a time per account (throttle)
    if account is None or not may_act_for(session, account, pupil_id):
        raise errors.NotAllowedForPupil()
    return account


def _check_throttle(session: Session, account_id: int, now: dt.datetime) -> None:
    recent = session.exec(
        select(CardAssociationAttempt.created_at).where(
            CardAssociationAttempt.account_id == account_id,
            CardAssociationAttempt.outcome.in_(WRONG_OUTCOMES),
            CardAssociationAttempt.created_at > now - WRONG_NUMBERS_WINDOW,
        ).order_by(CardAssociationAttempt.created_at.desc()).limit(WRONG_NUMBERS_ALLOWED)
    ).all()
    if len(recent) >= WRONG_NUMBERS_ALLOWED:
        free_at = recent[-1] + WRONG_NUMBERS_WINDOW
        raise errors.TooManyAttempts(max(1, math.ceil((free_at - now).total_seconds() / 60)))


def _refuse_wrong_number(session, error, account_id, pupil_id, season_id, card_id, outcome, now):
    session.add(CardAssociationAttempt(account_id=account_id, pupil_id=pupil_id, card_id=card_id,
                                       season_id=season_id, outcome=outcome, created_at=now))
    session.flush()
    raise error


def active_card(session: Session, pupil_id: int) -> Card | None:
    return session.exec(select(Card).where(Card.pupil_id == pupil_id, Card.status == "active")).first()


def _card_to_replace(session: Session, pupil_id: int) -> int | None:
    """The youth's latest blocked card that no other card replaces yet."""
    replaced = select(Card.replaces_card_id).where(Card.replaces_card_id.is_not(None))
    return session.exec(
        select(Card.id).where(Card.pupil_id == pupil_id, Card.status == "blocked", Card.id.not_in(replaced))
        .order_by(Card.blocked_at.desc(), Card.id.desc())
    ).first()


def _replayed_association(session, attempt, pupil_id, number) -> AssociationResult:
    card = session.get(Card, attempt.card_id)
    if attempt.pupil_id != pupil_id or card.number != number:
        raise errors.AssociationKeyReused()
    season = session.get(Season, attempt.season_id)
    return AssociationResult(card.id, mask_card_number(card.number), pupil_id, season.code,
                             attempt.credited_cents, wallet_api.balances(session, pupil_id, season.id),
                             card.replaces_card_id, attempt.outcome == "already")


def associate_card(
    session: Session, account_id: int, pupil_id: int, typed_number: str, idempotency_key: str,
    *, now: dt.datetime | None = None,
) -> AssociationResult:
    """"Associer une carte" → "Terminer": activates the card for the youth and credits the season's
    envelopes once per youth and season. The same card again is harmless; the same key again
    returns the first result.

    Run it in its own `session_scope`: a wrong number is refused with `keep_changes`, so the scope
    commits the recorded attempt (throttling) — and whatever else the transaction had written."""
    now = now or utcnow()
    number = normalize_card_number(typed_number)
    if not is_well_formed(number):
        raise errors.InvalidCardNumber()
    if not isinstance(idempotency_key, str) or not 0 < len(idempotency_key) <= 128:
        raise InvalidIdempotencyKey()
    account = _lock_account_for(session, account_id, pupil_id)
    first = session.exec(
        select(CardAssociationAttempt).where(CardAssociationAttempt.idempotency_key == idempotency_key)
    ).first()
    if first is not None:
        return _replayed_association(session, first, pupil_id, number)
    _check_throttle(session, account.id, now)
    if _locked(session, Pupil, pupil_id) is None:  # one association at a time per youth
        raise errors.NotAllowedForPupil()
    season = current_season(session, paris_today(now))
    if season is None:
        raise errors.NoOpenSeason()
    blockers = association_blockers(session, pupil_id, season)
    if blockers:
        raise blockers[0]

    card = session.exec(
        select(Card).where(Card.number == number)
        .with_for_update(key_share=True).execution_options(populate_existing=True)
    ).first()
    wrong = dict(account_id=account.id, pupil_id=pupil_id, season_id=season.id, now=now)
    if card is None:
        _refuse_wrong_number(session, errors.CardNotFound(), card_id=None, outcome="unknown", **wrong)
    if card.pupil_id is not None and card.pupil_id != pupil_id:
        _refuse_wrong_number(session, errors.CardHeldByAnotherAccount(), card_id=card.id, outcome="taken", **wrong)
    if card.status == "blocked":
        if card.pupil_id == pupil_id:
            raise errors.OwnCardBlocked()
        _refuse_wrong_number(session, errors.CardBlocked(), card_id=card.id, outcome="blocked", **wrong)

    already = card.status == "active"
    if not already:
        if active_card(session, pupil_id) is not None:
            raise errors.AnotherCardActive()
        card.replaces_card_id = _card_to_replace(session, pupil_id)
        card.status, card.pupil_id, card.activated_at = "active", pupil_id, now
        session.add(card)
        session.flush()
    credited = wallet_api.credit_season(session, pupil_id, season, card_id=card.id)
    session.add(CardAssociationAttempt(
        account_id=account.id, pupil_id=pupil_id, card_id=card.id, season_id=season.id,
        outcome="already" if already else "activated", idempotency_key=idempotency_key,
        credited_cents=credited, created_at=now,
    ))
    session.flush()
    return AssociationResult(card.id, mask_card_number(card.number), pupil_id, season.code, credited,
                             wallet_api.balances(session, pupil_id, season.id), card.replaces_card_id,
                             already)


# --- loss ----------------------------------------------------------------------------------------

def declare_lost(
    session: Session, account_id: int, pupil_id: int, card_id: int, reason: str,
    *, now: dt.datetime | None = None,
) -> Card:
    """"Déclarer ma carte perdue ou volée": only an active card; blocked at once (no payment passes:
    a payment in flight finishes first, any later one sees the card blocked). Declaring it again is
    harmless."""
    if reason not in LOSS_REASONS:
        raise errors.InvalidLossReason()
    _lock_account_for(session, account_id, pupil_id)
    if _locked(session, Pupil, pupil_id) is None:
        raise errors.NotAllowedForPupil()
    card = session.exec(  # FOR UPDATE: waits for the payments in flight (they key-share-lock the card)
        select(Card).where(Card.id == card_id).with_for_update().execution_options(populate_existing=True)
    ).first()
    if card is None or card.pupil_id != pupil_id:
        raise errors.CardNotActive()
    if card.status == "blocked":
        return card
    if card.status != "active":
        raise errors.CardNotActive()
    card.status, card.blocked_at, card.blocked_reason = "blocked", now or utcnow(), reason
    session.add(card)
    session.flush()
    return card


@dataclass(frozen=True)
class CardState:
    """For the dashboard: "active", "blocked" (lost, no replacement yet) or "none" (to associate)."""

    state: str
    card_id: int | None
    masked_number: str | None


def card_state(session: Session, pupil_id: int) -> CardState:
    card = active_card(session, pupil_id) or session.exec(
        select(Card).where(Card.pupil_id == pupil_id).order_by(Card.activated_at.desc(), Card.id.desc())
    ).first()
    if card is None:
        return CardState("none", None, None)
    return CardState(card.status, card.id, mask_card_number(card.number))
