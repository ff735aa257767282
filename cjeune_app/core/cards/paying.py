"""Paying with a card: the card is locked, then the wallet debited (lock order card → wallet).

A payment key-share-locks its card (the lock its ledger entry's foreign key takes anyway) and
`loss.declare_lost` locks it FOR UPDATE: a loss declared meanwhile waits for the payment, and a
payment after the declaration sees the card blocked. What the wallet needs of the card (its id,
youth and status) is read here, under that lock, and handed to `wallet.api.debit`.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session

from cjeune_app.core.cards.models import Card
from cjeune_app.core.enums import CardStatus
from cjeune_app.core.wallet import api as wallet_api
from cjeune_app.core.wallet.models import Wallet

_card, _wallet = Card.__table__, Wallet.__table__  # type: ignore[attr-defined]

_CARD_BY_ID = (
    sa.select(_card.c.id, _card.c.status, _card.c.pupil_id)
    .where(_card.c.id == sa.bindparam("card_id")).with_for_update(read=True, key_share=True)
)
_PUPIL_OF_WALLET = sa.select(_wallet.c.pupil_id).where(_wallet.c.id == sa.bindparam("wallet_id")).scalar_subquery()
_ACTIVE_CARD_OF_WALLET = (
    sa.select(_card.c.id, _card.c.status, _card.c.pupil_id)
    .where(_card.c.pupil_id == _PUPIL_OF_WALLET, _card.c.status == CardStatus.ACTIVE)
    .with_for_update(read=True, key_share=True)
)
_BLOCKED_CARD_OF_WALLET = (  # only to say "blocked" rather than "no card": nothing to lock
    sa.select(_card.c.id, _card.c.status, _card.c.pupil_id)
    .where(_card.c.pupil_id == _PUPIL_OF_WALLET, _card.c.status == CardStatus.BLOCKED).limit(1)
)


def lock_paying_card(session: Session, wallet_id: int, card_id: int | None = None) -> wallet_api.CardFacts | None:
    """The card a payment from this wallet is made with, locked FOR KEY SHARE: the given one, or the
    youth's active card (else their blocked one, unlocked: the payment is refused anyway)."""
    session.flush()  # the caller's pending rows (e.g. its payment) go first
    conn = session.connection()
    if card_id is not None:
        row = conn.execute(_CARD_BY_ID, {"card_id": card_id}).first()
    else:
        row = (conn.execute(_ACTIVE_CARD_OF_WALLET, {"wallet_id": wallet_id}).first()
               or conn.execute(_BLOCKED_CARD_OF_WALLET, {"wallet_id": wallet_id}).first())
    if row is None:
        return None
    return wallet_api.CardFacts(card_id=row.id, pupil_id=row.pupil_id, status=CardStatus(row.status))


def debit(
    session: Session, wallet: Wallet | int, amount_cents: int, idempotency_key: str,
    partner_id: int | None = None, label: str = "", *, card_id: int | None = None,
    payment_id: int | None = None, today: dt.date | None = None,
) -> wallet_api.Movement:
    """Takes a payment from a wallet with the youth's active card (the given one, or the youth's):
    the card's lock first, then the wallet's (`wallet.api.debit`, which decides every refusal)."""
    wallet_id = wallet if isinstance(wallet, int) else wallet.id
    assert wallet_id is not None
    card = lock_paying_card(session, wallet_id, card_id)
    return wallet_api.debit(session, wallet_id, amount_cents, idempotency_key, partner_id, label,
                            card=card, payment_id=payment_id, today=today)
