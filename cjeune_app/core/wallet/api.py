"""Money movements on wallets: season credit, debit, refund, expiry; balances and history.

Every operation runs inside the caller's transaction (the caller's `session_scope` commits; nothing
here commits), so that a payment can debit within its own transaction. Each one:
- locks the wallet row before reading its balance (PostgreSQL `FOR NO KEY UPDATE`; SQLite writers
  are already serialized by BEGIN IMMEDIATE);
- carries an idempotency key: the same key again returns the first result and moves nothing; the
  same key for a different operation is refused;
- appends one ledger entry. The database adds it to the wallet's balance (trigger) and refuses a
  negative balance or a balance that differs from the sum of the entries.

Lock order, to stay free of deadlocks: account → pupil → card → season → wallet(s). A payment takes
card → wallet; a refund only the wallet (it reads the season after); a closing season → wallets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import CardStatus, Envelope, LedgerKind
from cjeune_app.core.errors import Refusal
from cjeune_app.core.formats import paris_today
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.telemetry import MONEY_MOVEMENTS, log
from cjeune_app.core.wallet import errors
from cjeune_app.core.wallet.limits import MAX_AMOUNT_CENTS, MAX_KEY_LENGTH
from cjeune_app.core.wallet.models import LedgerEntry, Wallet

CREDIT, DEBIT, REFUND, EXPIRY = LedgerKind.CREDIT, LedgerKind.DEBIT, LedgerKind.REFUND, LedgerKind.EXPIRY


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
class CardFacts:
    """The card a payment is made with, as core.cards read it under its key-share lock (taken
    before the wallet's: card → wallet): the youth's active card, or else their blocked one."""

    card_id: int
    pupil_id: int | None
    status: CardStatus


def season_credit_key(pupil_id: int, season_id: int, envelope: str) -> str:
    """The one key under which a youth's envelope is credited for a season: a second credit is impossible."""
    return f"credit:{pupil_id}:{season_id}:{envelope}"


def season_amounts(season: Season) -> dict[str, int]:
    return {
        Envelope.SPORT_CULTURE: season.sport_culture_cents,
        Envelope.SOUTIEN_SCOLAIRE: season.soutien_scolaire_cents,
    }


# --- statements ----------------------------------------------------------------------------------
# Built once and run on the session's connection (no ORM objects): a payment is three statements.

_wallet: sa.Table = Wallet.__table__  # type: ignore[attr-defined]
_entry: sa.Table = LedgerEntry.__table__  # type: ignore[attr-defined]
_season: sa.Table = Season.__table__  # type: ignore[attr-defined]

_ENTRY_ID_BY_KEY = sa.select(_entry.c.id).where(_entry.c.idempotency_key == sa.bindparam("key"))
_WALLET_LOCKED = (  # the balance as locked, its season, and whether the key was already used
    sa.select(_wallet.c.id, _wallet.c.pupil_id, _wallet.c.season_id, _wallet.c.envelope,
              _wallet.c.balance_cents, _season.c.code, _season.c.starts_on, _season.c.ends_on,
              _season.c.closed_at, _ENTRY_ID_BY_KEY.scalar_subquery().label("used_key_entry_id"))
    .join_from(_wallet, _season, _season.c.id == _wallet.c.season_id)
    .where(_wallet.c.id == sa.bindparam("wallet_id"))
    .with_for_update(of=_wallet, key_share=True)
)
_ENTRY_BY_KEY = sa.select(
    _entry.c.id, _entry.c.wallet_id, _entry.c.kind, _entry.c.amount_cents, _entry.c.partner_id,
    _entry.c.refund_of_id,
).where(_entry.c.idempotency_key == sa.bindparam("key"))
# The unique key is the final guard: a twin request that committed the same key while this one
# waited for the wallet makes the insert do nothing, and this one then returns the twin's result.
_INSERT_ENTRY_ONCE = {
    name: dialect.insert(_entry).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(_entry.c.id)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
_SEASON_SHARED = (  # a credit waits for a closing in progress, and the closing waits for it
    sa.select(_season.c.id).where(_season.c.id == sa.bindparam("season_id")).with_for_update(read=True)
)
_SEASON_CLOSED_AT = sa.select(_season.c.closed_at).where(_season.c.id == sa.bindparam("season_id"))
_REFUNDED = sa.select(sa.func.coalesce(sa.func.sum(_entry.c.amount_cents), 0)).where(
    _entry.c.refund_of_id == sa.bindparam("debit_id")
)


def _connection(session: Session) -> sa.Connection:
    session.flush()  # the caller's pending rows (e.g. its payment) go first
    return session.connection()


def _wallet_id(wallet: Wallet | int) -> int:
    if isinstance(wallet, int):
        return wallet
    assert wallet.id is not None
    return wallet.id


def _lock_wallet(conn: sa.Connection, wallet_id: int, key: str) -> Any:  # the locked row
    row = conn.execute(_WALLET_LOCKED, {"wallet_id": wallet_id, "key": key}).first()
    if row is None:
        raise errors.WalletNotFound()
    return row


def wallet_for(session: Session, pupil_id: int, season_id: int, envelope: str) -> Wallet | None:
    return session.exec(
        select(Wallet).where(
            col(Wallet.pupil_id) == pupil_id, col(Wallet.season_id) == season_id, col(Wallet.envelope) == envelope
        ).execution_options(populate_existing=True)
    ).first()


def get_or_create_wallet(session: Session, pupil_id: int, season_id: int, envelope: str) -> Wallet:
    """Creates the wallet if missing; two transactions doing it at once both end with the same row."""
    _ensure_wallet(_connection(session), pupil_id, season_id, envelope)
    wallet = wallet_for(session, pupil_id, season_id, envelope)
    assert wallet is not None
    return wallet


def _ensure_wallet(conn: sa.Connection, pupil_id: int, season_id: int, envelope: str) -> int:
    """The wallet's id, the wallet created if missing: one statement when it is (a first credit).
    A twin transaction creating it at the same time makes the insert wait, then do nothing; the
    row it committed is then read."""
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    created = conn.execute(
        dialect.insert(_wallet)
        .values(pupil_id=pupil_id, season_id=season_id, envelope=str(envelope), balance_cents=0,
                created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["pupil_id", "season_id", "envelope"])
        .returning(_wallet.c.id)
    ).scalar()
    if created is not None:
        return int(created)
    return int(conn.execute(sa.select(_wallet.c.id).where(
        _wallet.c.pupil_id == pupil_id, _wallet.c.season_id == season_id, _wallet.c.envelope == str(envelope),
    )).scalar_one())


def _check_request(amount_cents: int | None, idempotency_key: str) -> None:
    if amount_cents is not None and (
        not isinstance(amount_cents, int) or isinstance(amount_cents, bool)
        or not 0 < amount_cents <= MAX_AMOUNT_CENTS
    ):
        raise errors.InvalidAmount()
    if not isinstance(idempotency_key, str) or not 0 < len(idempotency_key) <= MAX_KEY_LENGTH:
        raise errors.InvalidIdempotencyKey()


def _first_result(conn: sa.Connection, key: str, **expected: Any) -> Movement | None:
    """The first result of an operation already done under `key` (None if the key is new), provided
    the retry asks for the very same movement."""
    entry = conn.execute(_ENTRY_BY_KEY, {"key": key}).first()
    if entry is None:
        return None
    if any(getattr(entry, name) != value for name, value in expected.items()):
        raise errors.IdempotencyKeyReused()
    # Entries of one wallet are appended under its lock, so their ids follow the order of the movements.
    balance = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(_entry.c.amount_cents), 0)).where(
        _entry.c.wallet_id == entry.wallet_id, _entry.c.id <= entry.id)).scalar_one()
    return Movement(entry_id=entry.id, wallet_id=entry.wallet_id, kind=entry.kind,
                    amount_cents=entry.amount_cents, balance_after_cents=balance, idempotency_key=key,
                    replayed=True)


def _replayed(conn: sa.Connection, key: str, expected: dict[str, Any]) -> Movement:
    """The first result of a key the locked wallet already shows as used."""
    first = _first_result(conn, key, **expected)
    assert first is not None
    return first


def _refuse(conn: sa.Connection, error: Refusal, key: str, **expected: Any) -> Movement:
    """A retry whose first attempt passed gets that result even if the same request would now be
    refused (card blocked, balance spent since...); anything else gets the refusal."""
    first = _first_result(conn, key, **expected)
    if first is None:
        raise error
    return first


def _append(session: Session, conn: sa.Connection, wallet: Any, kind: str, amount_cents: int, key: str,
            expected: dict[str, Any], **fields: Any) -> Movement:
    """Adds one entry to a locked wallet (`wallet` is its locked row). The database trigger adds it
    to the balance; the wallet being locked, the new balance is exactly this one."""
    fields["label"] = fields.get("label", "")[:200]
    entry_id = conn.execute(_INSERT_ENTRY_ONCE[conn.dialect.name], dict(
        wallet_id=wallet.id, kind=kind, amount_cents=amount_cents, idempotency_key=key, created_at=utcnow(),
        **{name: fields.get(name) for name in ("partner_id", "payment_id", "card_id", "refund_of_id")},
        label=fields["label"],
    )).scalar()
    if entry_id is None:  # a twin request committed this key meanwhile
        first = _first_result(conn, key, **expected)
        if first is None:
            raise RuntimeError(f"ledger key {key!r} conflicted but cannot be read")
        return first
    balance = wallet.balance_cents + amount_cents
    MONEY_MOVEMENTS.labels(kind).inc()
    log.info("money_movement", kind=kind, amount_cents=amount_cents, entry_id=entry_id, wallet_id=wallet.id,
             **{name: fields[name] for name in ("partner_id", "payment_id", "card_id", "refund_of_id")
                if fields.get(name) is not None})
    cached = session.identity_map.get(identity_key(Wallet, wallet.id))
    if cached is not None:  # a Wallet object the caller holds shows the new balance too
        set_committed_value(cached, "balance_cents", balance)
    return Movement(entry_id=entry_id, wallet_id=wallet.id, kind=kind, amount_cents=amount_cents,
                    balance_after_cents=balance, idempotency_key=key)


# --- operations ----------------------------------------------------------------------------------

def credit(
    session: Session, wallet: Wallet | int, amount_cents: int, idempotency_key: str,
    label: str = "", *, card_id: int | None = None,
) -> Movement:
    """The season's credit of one wallet: at most once per wallet (the database refuses a second)."""
    _check_request(amount_cents, idempotency_key)
    conn, wallet_id = _connection(session), _wallet_id(wallet)
    season_id = (wallet.season_id if isinstance(wallet, Wallet)  # a wallet's season never changes
                 else conn.execute(sa.select(_wallet.c.season_id).where(_wallet.c.id == wallet_id)).scalar())
    if season_id is None:
        raise errors.WalletNotFound()
    return _credit(session, conn, wallet_id, season_id, amount_cents, idempotency_key, label, card_id)


def _credit(session: Session, conn: sa.Connection, wallet_id: int, season_id: int, amount_cents: int,
            idempotency_key: str, label: str, card_id: int | None) -> Movement:
    first = _first_result(conn, idempotency_key, wallet_id=wallet_id, kind=CREDIT,
                          amount_cents=amount_cents)  # done already: no lock needed
    if first is not None:
        return first
    conn.execute(_SEASON_SHARED, {"season_id": season_id})
    return _credit_in_locked_season(session, conn, wallet_id, amount_cents, idempotency_key, label, card_id)


def _credit_in_locked_season(session: Session, conn: sa.Connection, wallet_id: int, amount_cents: int,
                             idempotency_key: str, label: str, card_id: int | None) -> Movement:
    """The credit once the wallet's season is locked (shared): a key used already gets its first
    result from the refusals' path, as from `_credit`'s shortcut."""
    expected: dict[str, Any] = {"wallet_id": wallet_id, "kind": CREDIT, "amount_cents": amount_cents}
    locked = _lock_wallet(conn, wallet_id, idempotency_key)
    if locked.closed_at is not None:
        return _refuse(conn, errors.SeasonClosed(locked.code), idempotency_key, **expected)
    if conn.execute(sa.select(_entry.c.id).where(_entry.c.wallet_id == wallet_id, _entry.c.kind == CREDIT)).first():
        return _refuse(conn, errors.AlreadyCredited(), idempotency_key, **expected)
    return _append(session, conn, locked, CREDIT, amount_cents, idempotency_key, expected,
                   label=label, card_id=card_id)


def credit_season(session: Session, pupil_id: int, season: Season, card_id: int | None = None) -> int:
    """Credits every envelope of the season once for this youth. Returns the cents credited now
    (0 when it had already been done: the keys are fixed per youth, season and envelope).
    The season is locked once for its envelopes (lock order: season → wallets); a first credit,
    the usual case, goes straight to the wallet's lock."""
    credited = 0
    assert season.id is not None
    conn = _connection(session)
    conn.execute(_SEASON_SHARED, {"season_id": season.id})
    for envelope, amount in season_amounts(season).items():
        if amount <= 0:
            continue
        key = season_credit_key(pupil_id, season.id, envelope)
        _check_request(amount, key)
        movement = _credit_in_locked_season(session, conn, _ensure_wallet(conn, pupil_id, season.id, envelope),
                                            amount, key, f"Crédit de la saison {season.code}", card_id)
        credited += 0 if movement.replayed else amount
    return credited


def is_season_credited(session: Session, pupil_id: int, season_id: int) -> bool:
    return session.exec(
        select(col(LedgerEntry.id)).join(Wallet, col(Wallet.id) == col(LedgerEntry.wallet_id)).where(
            col(Wallet.pupil_id) == pupil_id, col(Wallet.season_id) == season_id, col(LedgerEntry.kind) == CREDIT
        )
    ).first() is not None


def _card_refusal(card: CardFacts | None, pupil_id: int) -> errors.CardBlocked | errors.CardNotActive | None:
    if card is not None and card.pupil_id == pupil_id:
        if card.status == CardStatus.ACTIVE:
            return None
        if card.status == CardStatus.BLOCKED:
            return errors.CardBlocked()
    return errors.CardNotActive()


def debit(
    session: Session, wallet: Wallet | int, amount_cents: int, idempotency_key: str,
    partner_id: int | None = None, label: str = "", *, card: CardFacts | None,
    payment_id: int | None = None, today: dt.date | None = None,
) -> Movement:
    """Takes a payment from a wallet with the youth's active card. `card` is what core.cards read
    of it under its lock (`cards.paying.debit` takes that lock, then calls this); None: no card.

    Keys are global to the ledger: callers namespace them (e.g. "payment:<partner id>:<their key>").
    A retry returns the first result, even if the card was blocked since.
    """
    _check_request(amount_cents, idempotency_key)
    conn, wallet_id = _connection(session), _wallet_id(wallet)
    expected: dict[str, Any] = {"wallet_id": wallet_id, "kind": DEBIT, "amount_cents": -amount_cents,
                                "partner_id": partner_id}
    locked = _lock_wallet(conn, wallet_id, idempotency_key)
    if locked.used_key_entry_id is not None:
        return _replayed(conn, idempotency_key, expected)
    # The season columns may date from before the wait for the lock; a closing that held it left
    # this wallet empty, so the fresh balance refuses the payment anyway.
    refusal: Refusal | None = _card_refusal(card, locked.pupil_id)
    if refusal is not None:
        pass  # the card's refusal comes first
    elif locked.closed_at is not None:
        refusal = errors.SeasonClosed(locked.code)
    elif not locked.starts_on <= (today or paris_today()) <= locked.ends_on:
        refusal = errors.SeasonNotOpen(locked.code, locked.starts_on, locked.ends_on)
    elif locked.balance_cents < amount_cents:
        refusal = errors.InsufficientBalance(locked.envelope)
    if refusal is not None:
        return _refuse(conn, refusal, idempotency_key, **expected)
    return _append(session, conn, locked, DEBIT, -amount_cents, idempotency_key, expected,
                   partner_id=partner_id, label=label, card_id=card.card_id if card else None,
                   payment_id=payment_id)


def refund(
    session: Session, debit_key: str, idempotency_key: str, amount_cents: int | None = None,
    label: str = "", *, payment_id: int | None = None,
) -> Movement:
    """Gives back all (default) or part of a debit to its wallet, never more than was paid.

    Works on a blocked card too: the money is the youth's and a replacement card carries it.
    """
    _check_request(amount_cents, idempotency_key)
    conn = _connection(session)
    original = conn.execute(sa.select(_entry).where(_entry.c.idempotency_key == debit_key)).first()
    if original is None or original.kind != DEBIT:
        raise errors.DebitNotFound()
    expected = {"wallet_id": original.wallet_id, "kind": REFUND, "refund_of_id": original.id}
    if amount_cents is not None:
        expected["amount_cents"] = amount_cents
    locked = _lock_wallet(conn, original.wallet_id, idempotency_key)
    if locked.used_key_entry_id is not None:
        return _replayed(conn, idempotency_key, expected)
    # Read after the lock, in its own statement: a closing that held the lock is seen (the season
    # columns of the locking statement may date from before the wait).
    if conn.execute(_SEASON_CLOSED_AT, {"season_id": locked.season_id}).scalar() is not None:
        return _refuse(conn, errors.SeasonClosed(locked.code), idempotency_key, **expected)
    refundable = -original.amount_cents - conn.execute(_REFUNDED, {"debit_id": original.id}).scalar_one()
    amount = refundable if amount_cents is None else amount_cents
    if amount <= 0 or amount > refundable:
        return _refuse(conn, errors.RefundTooLarge(refundable), idempotency_key, **expected)
    return _append(session, conn, locked, REFUND, amount, idempotency_key, expected,
                   partner_id=original.partner_id, label=label, card_id=original.card_id,
                   refund_of_id=original.id, payment_id=payment_id or original.payment_id)


def correct(
    session: Session, wallet: Wallet | int, amount_cents: int, idempotency_key: str, label: str = "",
) -> Movement:
    """An agents' approved manual correction of one envelope: credits it (`amount_cents` > 0) or
    debits it (< 0), never below zero, never on a closed season. Same key again: the first result."""
    _check_request(abs(amount_cents) if isinstance(amount_cents, int) else amount_cents, idempotency_key)
    kind = LedgerKind.CORRECTION_IN if amount_cents > 0 else LedgerKind.CORRECTION_OUT
    conn, wallet_id = _connection(session), _wallet_id(wallet)
    expected: dict[str, Any] = {"wallet_id": wallet_id, "kind": kind, "amount_cents": amount_cents}
    locked = _lock_wallet(conn, wallet_id, idempotency_key)
    if locked.used_key_entry_id is not None:
        return _replayed(conn, idempotency_key, expected)
    if conn.execute(_SEASON_CLOSED_AT, {"season_id": locked.season_id}).scalar() is not None:
        return _refuse(conn, errors.SeasonClosed(locked.code), idempotency_key, **expected)
    if locked.balance_cents + amount_cents < 0:
        return _refuse(conn, errors.InsufficientBalance(locked.envelope), idempotency_key, **expected)
    return _append(session, conn, locked, kind, amount_cents, idempotency_key, expected, label=label)


def expire_season(session: Session, season: Season | int, today: dt.date | None = None) -> ExpiryReport:
    """Closes a finished season: each remaining balance leaves through an "expiry" entry (nothing is
    deleted). Running it again expires nothing more."""
    conn, season_id = _connection(session), season if isinstance(season, int) else season.id
    locked_season = conn.execute(sa.select(_season).where(_season.c.id == season_id)
                                 .with_for_update(key_share=True)).one()
    today = today or paris_today()
    if today <= locked_season.ends_on:
        raise errors.SeasonNotFinished(locked_season.code, locked_season.ends_on)
    # Every wallet of the season is locked, empty ones too: a refund in flight on an empty wallet
    # is then either counted here or, coming after, sees the season closed.
    wallets = conn.execute(sa.select(_wallet.c.id, _wallet.c.balance_cents)
                           .where(_wallet.c.season_id == season_id).order_by(_wallet.c.id)
                           .with_for_update(key_share=True)).all()
    closed_now = locked_season.closed_at is None
    if closed_now:
        closed_at = utcnow()
        conn.execute(sa.update(_season).where(_season.c.id == season_id).values(closed_at=closed_at))
        cached = session.identity_map.get(identity_key(Season, season_id))
        if cached is not None:
            set_committed_value(cached, "closed_at", closed_at)
    label = f"Fin de la saison {locked_season.code} : crédits expirés"
    expired_wallets = expired_cents = 0
    for wallet in wallets:
        if wallet.balance_cents <= 0:
            continue
        key = f"expiry:{wallet.id}"
        _append(session, conn, wallet, EXPIRY, -wallet.balance_cents, key,
                {"wallet_id": wallet.id, "kind": EXPIRY, "amount_cents": -wallet.balance_cents}, label=label)
        expired_wallets += 1
        expired_cents += wallet.balance_cents
    return ExpiryReport(locked_season.code, expired_wallets, expired_cents, closed_now)


# --- reading -------------------------------------------------------------------------------------

def balances(session: Session, pupil_id: int, season_id: int) -> dict[str, int]:
    """Balance of each envelope (0 for an envelope without wallet yet)."""
    result = {str(envelope): 0 for envelope in Envelope}
    for wallet in session.exec(
        select(Wallet).where(col(Wallet.pupil_id) == pupil_id, col(Wallet.season_id) == season_id)
        .execution_options(populate_existing=True)
    ):
        result[wallet.envelope] = wallet.balance_cents
    return result
