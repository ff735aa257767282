"""The movements of a youth's season as the dashboard shows them, with the partners' names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

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


def _history_label(kind: str, season: Season, partner_name: str | None) -> str:
    if kind == LedgerKind.CREDIT:
        return f"Crédit de la saison {season.code}"
    if kind == LedgerKind.DEBIT:
        return f"Paiement — {partner_name}" if partner_name else "Paiement"
    if kind == LedgerKind.REFUND:
        return f"Remboursement — {partner_name}" if partner_name else "Remboursement"
    if kind == LedgerKind.EXPIRY:
        return f"Fin de la saison {season.code} : crédits expirés"
    if kind in (LedgerKind.CORRECTION_IN, LedgerKind.CORRECTION_OUT):
        return "Correction par le Département"
    return kind


def history_of_season(session: Session, pupil_id: int, season: Season) -> list[HistoryLine]:
    """The movements of a youth's season, newest first: credit, payments and refunds with the
    partner's name, expiry."""
    rows = session.exec(
        select(LedgerEntry, col(Wallet.envelope), col(Partner.name))
        .join(Wallet, col(Wallet.id) == col(LedgerEntry.wallet_id))
        .outerjoin(Partner, col(Partner.id) == col(LedgerEntry.partner_id))
        .where(col(Wallet.pupil_id) == pupil_id, col(Wallet.season_id) == season.id)
        .order_by(col(LedgerEntry.created_at).desc(), col(LedgerEntry.id).desc())
    ).all()
    return [
        HistoryLine(entry.id or 0, entry.created_at, entry.kind, envelope, entry.amount_cents,
                    _history_label(entry.kind, season, partner_name), partner_name)
        for entry, envelope, partner_name in rows
    ]
