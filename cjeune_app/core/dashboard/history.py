"""The movements of a youth's season as the dashboard shows them, with the partners' names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from cjeune_app.core.enums import LedgerKind
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet.models import LedgerEntry, Wallet


@dataclass(frozen=True)
class HistoryLine:
    entry_id: int
    created_at: dt.datetime
    kind: str
    envelope: str
    amount_cents: int
    label: str  # French, ready to show
    partner_name: str | None


def _history_label(kind: str, season_code: str, partner_name: str | None) -> str:
    if kind == LedgerKind.CREDIT:
        return f"Crédit de la saison {season_code}"
    if kind == LedgerKind.DEBIT:
        return f"Paiement — {partner_name}" if partner_name else "Paiement"
    if kind == LedgerKind.REFUND:
        return f"Remboursement — {partner_name}" if partner_name else "Remboursement"
    if kind == LedgerKind.EXPIRY:
        return f"Fin de la saison {season_code} : crédits expirés"
    if kind in (LedgerKind.CORRECTION_IN, LedgerKind.CORRECTION_OUT):
        return "Correction par le Département"
    return kind


_entry: sa.Table = LedgerEntry.__table__  # type: ignore[attr-defined]
_wallet: sa.Table = Wallet.__table__  # type: ignore[attr-defined]
_partner: sa.Table = Partner.__table__  # type: ignore[attr-defined]
_LINES = (  # the columns shown only, as tuples: the dashboard reads them on every opening
    sa.select(_entry.c.id, _entry.c.created_at, _entry.c.kind, _wallet.c.envelope, _entry.c.amount_cents,
              _partner.c.name)
    .join_from(_entry, _wallet, _wallet.c.id == _entry.c.wallet_id)
    .outerjoin(_partner, _partner.c.id == _entry.c.partner_id)
    .where(_wallet.c.pupil_id == sa.bindparam("pupil_id"), _wallet.c.season_id == sa.bindparam("season_id"))
    .order_by(_entry.c.created_at.desc(), _entry.c.id.desc())
)


def history_lines(session: Session, pupil_id: int, season_id: int, season_code: str,
                  limit: int | None = None) -> list[HistoryLine]:
    """The movements of a youth's season, newest first (at most `limit`): credit, payments and
    refunds with the partner's name, expiry."""
    statement = _LINES.limit(limit) if limit is not None else _LINES
    session.flush()  # what this unit of work changed is part of what it reads (cheap when nothing did)
    rows = session.connection().execute(statement, {"pupil_id": pupil_id, "season_id": season_id})
    return [
        HistoryLine(entry_id, created_at, kind, envelope, amount_cents,
                    _history_label(kind, season_code, partner_name), partner_name)
        for entry_id, created_at, kind, envelope, amount_cents, partner_name in rows
    ]


def history_of_season(session: Session, pupil_id: int, season: Season) -> list[HistoryLine]:
    """The movements of a youth's season, newest first (`history_lines`)."""
    assert season.id is not None
    return history_lines(session, pupil_id, season.id, season.code)
