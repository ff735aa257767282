"""Encaisser: a validated partner takes a payment on a youth's card, may cancel it within 30 days,
and lists its payments. The page and the HTTP API call these same functions.

Every operation runs in the caller's transaction (its `session_scope` commits). A payment is
one Payment row plus one debit of the wallet (core.wallet), in one transaction: both are there
or neither. Its idempotency key is the partner's own (unique per partner): the same key again
returns the first payment and moves nothing; the same key for another request is refused.
The ledger keys are derived from the payment's id ("payment:<id>", "cancel:<id>"), so the
ledger's own idempotency guards a retried cancellation too.

A partner sees of the youth only the first name: no last name, no balance on a receipt. What a
card check tells is what this partner may take (the brief of the partner space), nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from cjeune_app.core.cards import errors as card_errors
from cjeune_app.core.cards import paying
from cjeune_app.core.cards.models import Card
from cjeune_app.core.cards.numbers import is_well_formed, normalize_card_number
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import (
    ENVELOPE_LABELS,
    CardStatus,
    Envelope,
    PartnerStatus,
    PaymentStatus,
    envelope_for_category,
)
from cjeune_app.core.errors import Refusal
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.formats import paris_today
from cjeune_app.core.partners import errors
from cjeune_app.core.partners import payment_errors as pay_errors
from cjeune_app.core.partners.models import Partner, PartnerCategory, Payment
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.wallet import api as wallet_api
from cjeune_app.core.wallet import errors as wallet_errors
from cjeune_app.core.wallet.limits import MAX_AMOUNT_CENTS, MAX_KEY_LENGTH

CANCEL_DAYS = 30
ACCEPTED, CANCELLED = PaymentStatus.ACCEPTED, PaymentStatus.CANCELLED
_KEY_PATTERN = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")  # visible ASCII: what an HTTP header carries safely


@dataclass(frozen=True)
class Receipt:
    """What the partner sees of a payment. No balance: what is left on the card is the youth's."""

    payment_id: int
    number: str  # "CJP-00000042"
    created_at: dt.datetime
    amount_cents: int
    envelope: str
    partner_id: int
    partner_name: str
    first_name: str
    card_last_digits: str
    status: PaymentStatus
    cancelled_at: dt.datetime | None
    cancellable_until: dt.datetime
    replayed: bool = False  # True when an idempotency key returned an earlier payment

    @property
    def envelope_label(self) -> str:
        return ENVELOPE_LABELS.get(Envelope(self.envelope), self.envelope)

    def cancellable(self, now: dt.datetime | None = None) -> bool:
        return self.status == ACCEPTED and (now or utcnow()) <= self.cancellable_until


@dataclass(frozen=True)
class EnvelopeAvailability:
    envelope: str
    label: str
    can_debit: bool  # something is left on it; never how much (a partner never learns a balance)


@dataclass(frozen=True)
class CardCheck:
    """Before confirming: may this partner debit this card, and from which envelope. The first name
    is given only for an active card; the balance never (the youth sees it on their own phone)."""

    card_last_digits: str
    first_name: str
    can_debit: bool
    envelopes: tuple[EnvelopeAvailability, ...]
    refusal: Refusal | None = None


def known_id(row_id: int | None) -> int:
    """The id of a row read from the database (never None there)."""
    assert row_id is not None
    return row_id


def receipt_number(payment_id: int) -> str:
    return f"CJP-{payment_id:08d}"


def payment_fingerprint(card_number: str, amount_cents: int, envelope: str | None) -> str:
    """What makes two requests "the same payment": a retry must carry the same card, amount and
    envelope as the first request of its key."""
    canonical = json.dumps([normalize_card_number(card_number), amount_cents, envelope or None])
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- checks shared by every operation ------------------------------------------------------------

def validated_partner(session: Session, partner: Partner | int) -> Partner:
    """The partner as stored now; refused unless the Département validated it."""
    partner_id = partner if isinstance(partner, int) else known_id(partner.id)
    row = session.exec(
        select(Partner).where(col(Partner.id) == partner_id).execution_options(populate_existing=True)
    ).first()
    if row is not None and row.status == PartnerStatus.SUSPENDED:
        raise errors.PartnerSuspended()
    if row is None or row.status != PartnerStatus.VALIDATED:
        raise errors.PartnerNotValidated()
    return row


def partner_categories(session: Session, partner_id: int) -> list[str]:
    return list(session.exec(
        select(col(PartnerCategory.category)).where(col(PartnerCategory.partner_id) == partner_id)
        .order_by(col(PartnerCategory.category))
    ).all())


def allowed_envelopes(categories: list[str]) -> list[str]:
    """Envelopes a partner may debit, in the order of enums.Envelope."""
    found = {envelope_for_category(c) for c in categories}
    return [str(e) for e in Envelope if e in found]


def choose_envelope(session: Session, partner_id: int, requested: str | None) -> str:
    """The envelope to debit: the requested one if this partner may, else its only one."""
    categories = partner_categories(session, partner_id)
    allowed = allowed_envelopes(categories)
    if requested:
        if requested not in set(Envelope):
            raise pay_errors.UnknownEnvelope()
        if requested not in allowed:
            raise pay_errors.EnvelopeNotAllowed(requested, allowed, categories)
        return requested
    if len(allowed) > 1:
        raise pay_errors.EnvelopeRequired()
    if not allowed:
        raise pay_errors.EnvelopeNotAllowed("", allowed, categories)
    return allowed[0]


def check_amount(amount_cents: object) -> int:
    if (not isinstance(amount_cents, int) or isinstance(amount_cents, bool)
            or not 0 < amount_cents <= MAX_AMOUNT_CENTS):
        raise wallet_errors.InvalidAmount()
    return amount_cents


def check_idempotency_key(key: object) -> str:
    if not isinstance(key, str) or _KEY_PATTERN.fullmatch(key) is None:
        raise wallet_errors.InvalidIdempotencyKey()
    return key


def card_by_number(session: Session, typed_number: str) -> Card:
    number = normalize_card_number(typed_number if isinstance(typed_number, str) else "")
    if not is_well_formed(number):
        raise card_errors.InvalidCardNumber()
    card = session.exec(select(Card).where(col(Card.number) == number)).first()
    if card is None:
        raise card_errors.CardNotFound()
    return card


def _card_refusal(card: Card) -> Refusal | None:
    if card.status == CardStatus.BLOCKED:
        return wallet_errors.CardBlocked()
    if card.status != CardStatus.ACTIVE or card.pupil_id is None:
        return wallet_errors.CardNotActive()
    return None


def _first_name(session: Session, pupil_id: int | None) -> str:
    if pupil_id is None:
        return ""
    return session.exec(select(col(Pupil.first_name)).where(col(Pupil.id) == pupil_id)).first() or ""


# --- card check ----------------------------------------------------------------------------------

def card_check(
    session: Session, partner: Partner | int, card_number: str, *, now: dt.datetime | None = None,
) -> CardCheck:
    """Whether this partner may debit the card now, and from which envelope."""
    return _checked_card(session, partner, card_number, now)[0]


def _checked_card(
    session: Session, partner: Partner | int, card_number: str, now: dt.datetime | None,
) -> tuple[CardCheck, dict[str, int]]:
    """The card check, and the balances it was made from (for core only: never shown to a partner)."""
    partner = validated_partner(session, partner)
    card = card_by_number(session, card_number)
    last_digits = card.number[-4:]
    refusal = _card_refusal(card)
    if refusal is not None:
        return CardCheck(last_digits, "", False, (), refusal), {}
    first_name = _first_name(session, card.pupil_id)
    categories = partner_categories(session, known_id(partner.id))
    allowed = allowed_envelopes(categories)
    if not allowed:
        return CardCheck(last_digits, first_name, False, (), pay_errors.EnvelopeNotAllowed("", [], categories)), {}
    season = current_season(session, paris_today(now))
    if season is None:
        return CardCheck(last_digits, first_name, False, (), pay_errors.NoSeasonInProgress()), {}
    if season.closed_at is not None:
        return CardCheck(last_digits, first_name, False, (), wallet_errors.SeasonClosed(season.code)), {}
    balances = wallet_api.balances(session, known_id(card.pupil_id), known_id(season.id))
    envelopes = tuple(EnvelopeAvailability(e, ENVELOPE_LABELS[Envelope(e)], balances.get(e, 0) > 0) for e in allowed)
    if not wallet_api.is_season_credited(session, known_id(card.pupil_id), known_id(season.id)):
        check = CardCheck(last_digits, first_name, False, envelopes, pay_errors.NoCreditThisSeason(season.code))
        return check, balances
    if not any(e.can_debit for e in envelopes):
        empty = wallet_errors.InsufficientBalance(allowed[0])
        return CardCheck(last_digits, first_name, False, envelopes, empty), balances
    return CardCheck(last_digits, first_name, True, envelopes), balances


@dataclass(frozen=True)
class PaymentPreview:
    """What "Vérifier" shows before "Confirmer": the youth's first name and the envelope to debit."""

    first_name: str
    envelope: str
    card_last_digits: str
    amount_cents: int

    @property
    def envelope_label(self) -> str:
        return ENVELOPE_LABELS[Envelope(self.envelope)]


def preview_payment(
    session: Session, partner: Partner | int, card_number: str, amount_cents: int, envelope: str | None,
    *, now: dt.datetime | None = None,
) -> PaymentPreview:
    """The payment as it would be taken now, or the refusal it would meet: the card check, the
    envelope chosen as `take_payment` chooses it, and the amount against what is available."""
    check_amount(amount_cents)
    partner = validated_partner(session, partner)
    check, balances = _checked_card(session, partner, card_number, now)
    if check.refusal is not None:
        raise check.refusal
    chosen = choose_envelope(session, known_id(partner.id), envelope)
    if balances.get(chosen, 0) < amount_cents:
        raise wallet_errors.InsufficientBalance(chosen)
    return PaymentPreview(check.first_name, chosen, check.card_last_digits, amount_cents)


# --- taking a payment ----------------------------------------------------------------------------

_payment: sa.Table = Payment.__table__  # type: ignore[attr-defined]
_INSERT_PAYMENT_ONCE = {
    name: dialect.insert(_payment).on_conflict_do_nothing(index_elements=["partner_id", "idempotency_key"])
    .returning(_payment.c.id)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}


def _payment_by_key(session: Session, partner_id: int, key: str) -> Payment | None:
    return session.exec(
        select(Payment).where(col(Payment.partner_id) == partner_id, col(Payment.idempotency_key) == key)
        .execution_options(populate_existing=True)
    ).first()


def _replay(session: Session, payment: Payment, fingerprint: str) -> Receipt:
    if payment.request_fingerprint != fingerprint:
        raise wallet_errors.IdempotencyKeyReused()
    return receipt_of(session, payment, replayed=True)


def take_payment(
    session: Session, partner: Partner | int, card_number: str, amount_cents: int, envelope: str | None,
    idempotency_key: str, request_fingerprint: str | None = None, *, now: dt.datetime | None = None,
) -> Receipt:
    """Debits the card for this partner and returns the receipt. Refusals are partner errors with
    a French message; nothing is written when refused (the caller's transaction rolls back)."""
    now = now or utcnow()
    check_idempotency_key(idempotency_key)
    check_amount(amount_cents)
    if envelope is not None and envelope not in set(Envelope):
        raise pay_errors.UnknownEnvelope()
    fingerprint = request_fingerprint or payment_fingerprint(card_number, amount_cents, envelope)
    partner = validated_partner(session, partner)
    earlier = _payment_by_key(session, known_id(partner.id), idempotency_key)
    if earlier is not None:
        return _replay(session, earlier, fingerprint)
    card = card_by_number(session, card_number)
    refusal = _card_refusal(card)
    if refusal is not None:
        raise refusal
    chosen = choose_envelope(session, known_id(partner.id), envelope)
    today = paris_today(now)
    season = current_season(session, today)
    if season is None:
        raise pay_errors.NoSeasonInProgress()
    wallet = wallet_api.wallet_for(session, known_id(card.pupil_id), known_id(season.id), chosen)
    if wallet is None:
        raise pay_errors.NoCreditThisSeason(season.code)

    session.flush()
    payment_id = session.connection().execute(_INSERT_PAYMENT_ONCE[session.get_bind().dialect.name], {
        "partner_id": known_id(partner.id), "card_id": card.id, "wallet_id": wallet.id, "envelope": chosen,
        "amount_cents": amount_cents, "status": ACCEPTED, "idempotency_key": idempotency_key,
        "request_fingerprint": fingerprint, "created_at": now,
    }).scalar()
    if payment_id is None:  # a twin request with the same key committed while this one waited
        twin = _payment_by_key(session, known_id(partner.id), idempotency_key)
        if twin is None:
            raise RuntimeError(f"payment key {idempotency_key!r} conflicted but cannot be read")
        return _replay(session, twin, fingerprint)
    # Card then wallet; a card declared lost while this request waited is refused as blocked.
    paying.debit(session, known_id(wallet.id), amount_cents, f"payment:{payment_id}", known_id(partner.id),
                 f"Paiement — {partner.name}", card_id=card.id, payment_id=payment_id, today=today)
    taken = session.get(Payment, payment_id)
    assert taken is not None
    return receipt_of(session, taken)


# --- cancelling ----------------------------------------------------------------------------------

def cancel_payment(
    session: Session, partner: Partner | int, payment_id: int, *, now: dt.datetime | None = None,
) -> Receipt:
    """"Annuler": within 30 days, the card is re-credited with the whole amount. Cancelling a
    cancelled payment changes nothing and returns it; another partner's payment is "not found"."""
    now = now or utcnow()
    partner = validated_partner(session, partner)
    payment = _own_payment(session, known_id(partner.id), payment_id, lock=True)
    if payment.status == CANCELLED:
        return receipt_of(session, payment, replayed=True)
    if now > payment.created_at + dt.timedelta(days=CANCEL_DAYS):
        raise pay_errors.CancelTooLate(payment.created_at, CANCEL_DAYS)
    wallet_api.refund(session, f"payment:{payment.id}", f"cancel:{payment.id}",
                      label=f"Annulation — {partner.name}", payment_id=payment.id)
    payment.status, payment.cancelled_at = CANCELLED, now
    session.add(payment)
    session.flush()
    return receipt_of(session, payment)


def _own_payment(session: Session, partner_id: int, payment_id: object, *, lock: bool = False) -> Payment:
    if not isinstance(payment_id, int) or isinstance(payment_id, bool) or not 0 < payment_id < 2**31:
        raise pay_errors.PaymentNotFound()
    query = select(Payment).where(col(Payment.id) == payment_id, col(Payment.partner_id) == partner_id)
    if lock:  # two cancellations at once: the second waits, then sees the first one's result
        query = query.with_for_update(key_share=True)
    payment = session.exec(query.execution_options(populate_existing=True)).first()
    if payment is None:
        raise pay_errors.PaymentNotFound()
    return payment


# --- reading -------------------------------------------------------------------------------------

def receipt_of(session: Session, payment: Payment, *, replayed: bool = False) -> Receipt:
    partner_name = session.exec(select(col(Partner.name)).where(col(Partner.id) == payment.partner_id)).one()
    card_number, pupil_id = session.exec(
        select(col(Card.number), col(Card.pupil_id)).where(Card.id == payment.card_id)).one()
    return receipt_from_row(payment, partner_name, _first_name(session, pupil_id), card_number, replayed)


def receipt_from_row(
    payment: Payment, partner_name: str, first_name: str, card_number: str, replayed: bool = False,
) -> Receipt:
    return Receipt(
        payment_id=known_id(payment.id), number=receipt_number(known_id(payment.id)), created_at=payment.created_at,
        amount_cents=payment.amount_cents, envelope=payment.envelope, partner_id=payment.partner_id,
        partner_name=partner_name, first_name=first_name, card_last_digits=card_number[-4:],
        status=PaymentStatus(payment.status), cancelled_at=payment.cancelled_at,
        cancellable_until=payment.created_at + dt.timedelta(days=CANCEL_DAYS), replayed=replayed,
    )


def payment_of(session: Session, partner: Partner | int, payment_id: int) -> Receipt:
    partner_id = partner if isinstance(partner, int) else known_id(partner.id)
    return receipt_of(session, _own_payment(session, partner_id, payment_id))
