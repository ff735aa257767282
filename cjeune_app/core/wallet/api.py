"""Money movements on wallets: season credit, debit, refund, expiry; balances and history.

Every operation runs inside the caller's transaction (the caller's `session_scope` commits; nothing
here commits), so that a payment can debit within its own transaction. Each one:
- locks the wallet row before reading its balance (PostgreSQL `FOR NO KEY UPDATE`; SQLite writers
  are already serialized by BEGIN IMMEDIATE);
- carries an idempotency key: the same key again returns the first result and moves nothing; the
  same key for a different operation is refused;
- appends one ledger entry. The database adds it to the wallet's balance (trigger) and refuses a
  negative balance or a balance that differs from the sum of the entries.

Lock order, to stay free of deadlocks: account → pupil → card → season → wallet(s).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from cjeune_app.core.cards.models import Card
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import Envelope
from cjeune_app.core.formats import paris_today
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet import errors
from cjeune_app.core.wallet.models import LedgerEntry, Wallet

CREDIT, DEBIT, REFUND, EXPIRY = "credit", "debit", "refund", "expiry"
MONEY_IN = {CREDIT, REFUND, "transfer_in"}
MAX_AMOUNT_CENTS = 1_000_000  # 10 000 €: far above any season, far below integer overflow


@dataclass(frozen=True)
class Movement:
    """What an operation did. `replayed` is True when its key had already been used: nothing moved."""

    entry_id: int
    wallet_id: int
    kind: str
    amount_cents: int  # signed, as in the ledger
    balance_after_cents: int
    idempotency_key: str
    replayed: bool = False


@dataclass(frozen=True)
class ExpiryReport:
    season_code: str
    wallets_expired: int
    expired_cents: int
    closed_now: bool  # False when the season had already been closed


@dataclass(frozen=True)
class HistoryLine:
    entry_id: int
    created_at: dt.datetime
    kind: str
    envelope: str
    amount_cents: int
    label: str  # French, ready to show
    partner_name: str | None


def season_credit_key(pupil_id: int, season_id: int, envelope: str) -> str:
    """The one key under which a youth's envelope is credited for a season: a second credit is impossible."""
    return f"credit:{pupil_id}:{season_id}:{envelope}"


def season_amounts(season: Season) -> dict[str, int]:
    return {
        Envelope.SPORT_CULTURE: season.sport_culture_cents,
        Envelope.SOUTIEN_SCOLAIRE: season.soutien_scolaire_cents,
    }


# --- locking and reading -------------------------------------------------------------------------

def _lock_wallet(session: Session, wallet_id: int) -> Wallet:
    wallet = session.exec(
        select(Wallet).where(Wallet.id == wallet_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)  # the balance as locked, not a cached one
    ).first()
    if wallet is None:
        raise errors.WalletNotFound()
    return wallet


def _fresh_season(session: Session, season_id: int, share_lock: bool = False) -> Season:
    query = select(Season).where(Season.id == season_id).execution_options(populate_existing=True)
    if share_lock:  # a credit waits for a closing in progress, and the closing waits for it
        query = query.with_for_update(read=True)
    return session.exec(query).one()


def _wallet_id(wallet: Wallet | int) -> int:
    return wallet if isinstance(wallet, int) else wallet.id


def wallet_for(session: Session, pupil_id: int, season_id: int, envelope: str) -> Wallet | None:
    return session.exec(
        select(Wallet).where(
            Wallet.pupil_id == pupil_id, Wallet.season_id == season_id, Wallet.envelope == envelope
        )
    ).first()


def get_or_create_wallet(session: Session, pupil_id: int, season_id: int, envelope: str) -> Wallet:
    """Creates the wallet if missing; two transactions doing it at once both end with the same row."""
    dialect_insert = sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert
    session.execute(
        dialect_insert(Wallet.__table__)
        .values(pupil_id=pupil_id, season_id=season_id, envelope=str(envelope), balance_cents=0,
                created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["pupil_id", "season_id", "envelope"])
    )
    wallet = wallet_for(session, pupil_id, season_id, envelope)
    assert wallet is not None
    return wallet


def _entry_by_key(session: Session, key: str) -> LedgerEntry | None:
    return session.exec(select(LedgerEntry).where(LedgerEntry.idempotency_key == key)).first()


def _balance_after(session: Session, entry: LedgerEntry) -> int:
    # Entries of one wallet are appended under its lock, so their ids follow the order of the movements.
    return session.exec(
        select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.wallet_id == entry.wallet_id, LedgerEntry.id <= entry.id
        )
    ).one()


def _check_request(amount_cents: int | None, idempotency_key: str) -> None:
    if amount_cents is not None and (
        not isinstance(amount_cents, int) or isinstance(amount_cents, bool)
        or not 0 < amount_cents <= MAX_AMOUNT_CENTS
    ):
        raise errors.InvalidAmount()
    if not isinstance(idempotency_key, str) or not 0 < len(idempotency_key) <= 128:
        raise errors.InvalidIdempotencyKey()


def _replay(session: Session, entry: LedgerEntry, **expected) -> Movement:
    """The first result of a retried operation, if the retry asks for the very same movement."""
    if any(getattr(entry, name) != value for name, value in expected.items()):
        raise errors.IdempotencyKeyReused()
    return Movement(
        entry_id=entry.id, wallet_id=entry.wallet_id, kind=entry.kind, amount_cents=entry.amount_cents,
        balance_after_cents=_balance_after(session, entry), idempotency_key=entry.idempotency_key,
        replayed=True,
    )


def _append(session: Session, wallet: Wallet, kind: str, amount_cents: int, key: str, **fields) -> Movement:
    """Adds one entry to a locked wallet. The database trigger adds it to the balance."""
    entry = LedgerEntry(wallet_id=wallet.id, kind=kind, amount_cents=amount_cents,
                        idempotency_key=key, **fields)
    session.add(entry)
    session.flush()
    # The trigger changed the row; the wallet is locked, so its new balance is exactly this.
    set_committed_value(wallet, "balance_cents", wallet.balance_cents + amount_cents)
    return Movement(entry_id=entry.id, wallet_id=wallet.id, kind=kind, amount_cents=amount_cents,
                    balance_after_cents=wallet.balance_cents, idempotency_key=key)


# --- operations ----------------------------------------------------------------------------------

def credit(
    session: Session, wallet: Wallet | int, amount_cents: int, idempotency_key: str,
    label: str = "", *, card_id: int | None = None,
) -> Movement:
    """The season's credit of one wallet: at most once per wallet (the database refuses a second)."""
    _check_request(amount_cents, idempotency_key)
    season_id = session.exec(select(Wallet.season_id).where(Wallet.id == _wallet_id(wallet))).first()
    if season_id is None:
        raise errors.WalletNotFound()
    season = _fresh_season(session, season_id, share_lock=True)
    locked = _lock_wallet(session, _wallet_id(wallet))
    existing = _entry_by_key(session, idempotency_key)
    if existing is not None:
        return _replay(session, existing, wallet_id=locked.id, kind=CREDIT, amount_cents=amount_cents)
    if season.closed_at is not None:
        raise errors.SeasonClosed(season.code)
    already = session.exec(
        select(LedgerEntry.id).where(LedgerEntry.wallet_id == locked.id, LedgerEntry.kind == CREDIT)
    ).first()
    if already is not None:
        raise errors.AlreadyCredited()
    return _append(session, locked, CREDIT, amount_cents, idempotency_key, label=label[:200], card_id=card_id)


def credit_season(session: Session, pupil_id: int, season: Season, card_id: int | None = None) -> int:
    """Credits every envelope of the season once for this youth. Returns the cents credited now
    (0 when it had already been done: the keys are fixed per youth, season and envelope)."""
    credited = 0
    for envelope, amount in season_amounts(season).items():
        if amount <= 0:
            continue
        wallet = get_or_create_wallet(session, pupil_id, season.id, envelope)
        movement = credit(session, wallet, amount, season_credit_key(pupil_id, season.id, envelope),
                          f"Crédit de la saison {season.code}", card_id=card_id)
        credited += 0 if movement.replayed else amount
    return credited


def is_season_credited(session: Session, pupil_id: int, season_id: int) -> bool:
    return session.exec(
        select(LedgerEntry.id).join(Wallet, Wallet.id == LedgerEntry.wallet_id).where(
            Wallet.pupil_id == pupil_id, Wallet.season_id == season_id, LedgerEntry.kind == CREDIT
        )
    ).first() is not None


def _lock_paying_card(session: Session, pupil_id: int, card_id: int | None) -> Card:
    """The card a payment is made with, share-locked: a loss declared meanwhile waits for the payment,
    and a payment after the declaration sees the card blocked."""
    query = select(Card).with_for_update(read=True).execution_options(populate_existing=True)
    if card_id is not None:
        card = session.exec(query.where(Card.id == card_id)).first()
    else:
        card = session.exec(query.where(Card.pupil_id == pupil_id, Card.status == "active")).first()
        if card is None:
            blocked = session.exec(
                select(Card.id).where(Card.pupil_id == pupil_id, Card.status == "blocked")
            ).first()
            raise errors.CardBlocked() if blocked else errors.NoActiveCard()
    if card is None or card.pupil_id != pupil_id:
        raise errors.NoActiveCard()
    if card.status == "blocked":
        raise errors.CardBlocked()
    if card.status != "active":
        raise errors.NoActiveCard()
    return card


def debit(
    session: Session, wallet: Wallet | int, amount_cents: int, idempotency_key: str,
    partner_id: int | None = None, label: str = "", *, card_id: int | None = None,
    payment_id: int | None = None, today: dt.date | None = None,
) -> Movement:
    """Takes a payment from a wallet with the youth's active card (the given one, or the youth's).

    Keys are global to the ledger: callers namespace them (e.g. "payment:<partner id>:<their key>").
    """
    _check_request(amount_cents, idempotency_key)
    pupil_id = session.exec(select(Wallet.pupil_id).where(Wallet.id == _wallet_id(wallet))).first()
    if pupil_id is None:
        raise errors.WalletNotFound()
    existing = _entry_by_key(session, idempotency_key)
    if existing is not None:  # a retry of a payment that passed: its result, whatever happened since
        return _replay(session, existing, wallet_id=_wallet_id(wallet), kind=DEBIT,
                       amount_cents=-amount_cents, partner_id=partner_id)
    card = _lock_paying_card(session, pupil_id, card_id)
    locked = _lock_wallet(session, _wallet_id(wallet))
    existing = _entry_by_key(session, idempotency_key)  # again, now that a twin request has finished
    if existing is not None:
        return _replay(session, existing, wallet_id=locked.id, kind=DEBIT,
                       amount_cents=-amount_cents, partner_id=partner_id)
    season = _fresh_season(session, locked.season_id)  # read after the lock: sees a closing that won
    if season.closed_at is not None:
        raise errors.SeasonClosed(season.code)
    today = today or paris_today()
    if not season.starts_on <= today <= season.ends_on:
        raise errors.SeasonNotOpen(season.code, season.starts_on, season.ends_on)
    if locked.balance_cents < amount_cents:
        raise errors.InsufficientBalance(locked.envelope, locked.balance_cents)
    return _append(session, locked, DEBIT, -amount_cents, idempotency_key, partner_id=partner_id,
                   label=label[:200], card_id=card.id, payment_id=payment_id)


def refund(
    session: Session, debit_key: str, idempotency_key: str, amount_cents: int | None = None,
    label: str = "", *, payment_id: int | None = None,
) -> Movement:
    """Gives back all (default) or part of a debit to its wallet, never more than was paid.

    Works on a blocked card too: the money is the youth's and a replacement card carries it.
    """
    _check_request(amount_cents, idempotency_key)
    original = _entry_by_key(session, debit_key)
    if original is None or original.kind != DEBIT:
        raise errors.DebitNotFound()
    locked = _lock_wallet(session, original.wallet_id)
    existing = _entry_by_key(session, idempotency_key)
    if existing is not None:
        expected = {"wallet_id": locked.id, "kind": REFUND, "refund_of_id": original.id}
        if amount_cents is not None:
            expected["amount_cents"] = amount_cents
        return _replay(session, existing, **expected)
    season = _fresh_season(session, locked.season_id)
    if season.closed_at is not None:
        raise errors.SeasonClosed(season.code)
    refunded = session.exec(
        select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.refund_of_id == original.id
        )
    ).one()
    refundable = -original.amount_cents - refunded
    amount = refundable if amount_cents is None else amount_cents
    if amount <= 0 or amount > refundable:
        raise errors.RefundTooLarge(refundable)
    return _append(session, locked, REFUND, amount, idempotency_key, partner_id=original.partner_id,
                   label=label[:200], card_id=original.card_id, refund_of_id=original.id,
                   payment_id=payment_id or original.payment_id)


def expire_season(session: Session, season: Season | int, today: dt.date | None = None) -> ExpiryReport:
    """Closes a finished season: each remaining balance leaves through an "expiry" entry (nothing is
    deleted). Running it again expires nothing more."""
    season_id = season if isinstance(season, int) else season.id
    locked_season = session.exec(
        select(Season).where(Season.id == season_id)
        .with_for_update(key_share=True).execution_options(populate_existing=True)
    ).one()
    today = today or paris_today()
    if today <= locked_season.ends_on:
        raise errors.SeasonNotFinished(locked_season.code, locked_season.ends_on)
    # Every wallet of the season is locked, empty ones too: a refund in flight on an empty wallet
    # is then either counted here or, coming after, sees the season closed.
    wallets = session.exec(
        select(Wallet).where(Wallet.season_id == season_id).order_by(Wallet.id)
        .with_for_update(key_share=True).execution_options(populate_existing=True)
    ).all()
    closed_now = locked_season.closed_at is None
    if closed_now:
        locked_season.closed_at = utcnow()
        session.add(locked_season)
    expired_wallets = expired_cents = 0
    for wallet in wallets:
        if wallet.balance_cents <= 0:
            continue
        amount = wallet.balance_cents
        _append(session, wallet, EXPIRY, -amount, f"expiry:{wallet.id}",
                label=f"Fin de la saison {locked_season.code} : crédits expirés")
        expired_wallets += 1
        expired_cents += amount
    session.flush()
    return ExpiryReport(locked_season.code, expired_wallets, expired_cents, closed_now)


# --- reading -------------------------------------------------------------------------------------

def balances(session: Session, pupil_id: int, season_id: int) -> dict[str, int]:
    """Balance of each envelope (0 for an envelope without wallet yet)."""
    result = {str(envelope): 0 for envelope in Envelope}
    for wallet in session.exec(
        select(Wallet).where(Wallet.pupil_id == pupil_id, Wallet.season_id == season_id)
        .execution_options(populate_existing=True)
    ):
        result[wallet.envelope] = wallet.balance_cents
    return result


def spent_per_envelope(session: Session, pupil_id: int, season_id: int) -> dict[str, int]:
    """What was paid from each envelope, refunds deducted (for the dashboard's chart)."""
    result = {str(envelope): 0 for envelope in Envelope}
    rows = session.exec(
        select(Wallet.envelope, sa.func.sum(LedgerEntry.amount_cents))
        .join(LedgerEntry, LedgerEntry.wallet_id == Wallet.id)
        .where(Wallet.pupil_id == pupil_id, Wallet.season_id == season_id,
               LedgerEntry.kind.in_([DEBIT, REFUND]))
        .group_by(Wallet.envelope)
    ).all()
    for envelope, total in rows:
        result[envelope] = -int(total or 0)
    return result


def _history_label(kind: str, season: Season, partner_name: str | None) -> str:
    if kind == CREDIT:
        return f"Crédit de la saison {season.code}"
    if kind == DEBIT:
        return f"Paiement — {partner_name}" if partner_name else "Paiement"
    if kind == REFUND:
        return f"Remboursement — {partner_name}" if partner_name else "Remboursement"
    if kind == EXPIRY:
        return f"Fin de la saison {season.code} : crédits expirés"
    return kind


def history(session: Session, pupil_id: int, season: Season) -> list[HistoryLine]:
    """The movements of a youth's season, newest first: credit, payments and refunds with the
    partner's name, expiry."""
    rows = session.exec(
        select(LedgerEntry, Wallet.envelope, Partner.name)
        .join(Wallet, Wallet.id == LedgerEntry.wallet_id)
        .outerjoin(Partner, Partner.id == LedgerEntry.partner_id)
        .where(Wallet.pupil_id == pupil_id, Wallet.season_id == season.id)
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
    ).all()
    return [
        HistoryLine(entry.id, entry.created_at, entry.kind, envelope, entry.amount_cents,
                    _history_label(entry.kind, season, partner_name), partner_name)
        for entry, envelope, partner_name in rows
    ]


def verify_invariants(session: Session) -> list[str]:
    """Every rule the ledger must obey, checked over the whole database. Returns the violations."""
    problems: list[str] = []
    sums = (
        select(LedgerEntry.wallet_id, sa.func.sum(LedgerEntry.amount_cents).label("total"))
        .group_by(LedgerEntry.wallet_id).subquery()
    )
    for wallet_id, balance, total in session.exec(
        select(Wallet.id, Wallet.balance_cents, sa.func.coalesce(sums.c.total, 0))
        .outerjoin(sums, sums.c.wallet_id == Wallet.id)
    ):
        if balance != total:
            problems.append(f"wallet {wallet_id}: balance {balance} != sum of entries {total}")
        if balance < 0:
            problems.append(f"wallet {wallet_id}: negative balance {balance}")
    for wallet_id, count in session.exec(
        select(LedgerEntry.wallet_id, sa.func.count()).where(LedgerEntry.kind == CREDIT)
        .group_by(LedgerEntry.wallet_id).having(sa.func.count() > 1)
    ):
        problems.append(f"wallet {wallet_id}: credited {count} times")
    for entry_id, wallet_id, amount, envelope, season in session.exec(
        select(LedgerEntry.id, Wallet.id, LedgerEntry.amount_cents, Wallet.envelope, Season)
        .join(Wallet, Wallet.id == LedgerEntry.wallet_id).join(Season, Season.id == Wallet.season_id)
        .where(LedgerEntry.kind == CREDIT)
    ):
        if amount != season_amounts(season)[envelope]:
            problems.append(f"credit {entry_id} of wallet {wallet_id}: {amount} is not the season's amount")
    money_in = LedgerEntry.kind.in_(sorted(MONEY_IN))
    for entry_id, kind, amount in session.exec(
        select(LedgerEntry.id, LedgerEntry.kind, LedgerEntry.amount_cents).where(
            sa.or_(sa.and_(money_in, LedgerEntry.amount_cents <= 0),
                   sa.and_(sa.not_(money_in), LedgerEntry.amount_cents >= 0))
        )
    ):
        problems.append(f"entry {entry_id}: kind {kind} with amount {amount}")
    refunded = (
        select(LedgerEntry.refund_of_id, sa.func.sum(LedgerEntry.amount_cents).label("total"),
               sa.func.min(LedgerEntry.wallet_id).label("wmin"), sa.func.max(LedgerEntry.wallet_id).label("wmax"))
        .where(LedgerEntry.refund_of_id.is_not(None)).group_by(LedgerEntry.refund_of_id).subquery()
    )
    for debit_id, debit_kind, debit_amount, debit_wallet, total, wmin, wmax in session.exec(
        select(LedgerEntry.id, LedgerEntry.kind, LedgerEntry.amount_cents, LedgerEntry.wallet_id,
               refunded.c.total, refunded.c.wmin, refunded.c.wmax)
        .join(refunded, refunded.c.refund_of_id == LedgerEntry.id)
    ):
        if debit_kind != DEBIT or total > -debit_amount or not wmin == wmax == debit_wallet:
            problems.append(f"debit {debit_id}: refunds of {total} exceed {-debit_amount} or miss its wallet")
    for wallet_id, balance, code in session.exec(
        select(Wallet.id, Wallet.balance_cents, Season.code).join(Season, Season.id == Wallet.season_id)
        .where(Season.closed_at.is_not(None), Wallet.balance_cents != 0)
    ):
        problems.append(f"wallet {wallet_id}: {balance} left in closed season {code}")
    for pupil_id, count in session.exec(
        select(Card.pupil_id, sa.func.count()).where(Card.status == "active")
        .group_by(Card.pupil_id).having(sa.func.count() > 1)
    ):
        problems.append(f"pupil {pupil_id}: {count} active cards")
    for entry_id in session.exec(
        select(LedgerEntry.id).join(Wallet, Wallet.id == LedgerEntry.wallet_id)
        .join(Card, Card.id == LedgerEntry.card_id)
        .where(LedgerEntry.kind == DEBIT, Card.pupil_id != Wallet.pupil_id)
    ):
        problems.append(f"debit {entry_id}: paid with a card of another youth")
    return problems
