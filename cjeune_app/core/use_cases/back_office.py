"""The agents' back office: the home's counts, the partners' list with suspension, and the
establishments' card stock with the card lots created from it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, select

from cjeune_app.core.actor import Actor
from cjeune_app.core.assistance.corrections import count_pending
from cjeune_app.core.audit import AuditAction, AuditTarget, record
from cjeune_app.core.cards import printing
from cjeune_app.core.cards.errors import UnknownSchool
from cjeune_app.core.cards.printing import IssuedBatch
from cjeune_app.core.cards.stock import SchoolStock, stock_per_school
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Establishment
from cjeune_app.core.partners import admin as partner_admin
from cjeune_app.core.partners.admin import PartnerFilter, PartnerRow, PaymentLine
from cjeune_app.core.partners.api import pending_partners
from cjeune_app.core.partners.errors import PartnerUnknown
from cjeune_app.core.partners.models import Partner
from cjeune_app.core.permissions import require_role
from cjeune_app.core.photos.models import Photo, PhotoStatus
from cjeune_app.core.reimbursements import batches as reimbursement_batches
from cjeune_app.core.search import reindex_partner


@dataclass(frozen=True)
class AgentHome:
    partners_waiting: int
    photos_to_check: int
    corrections_to_approve: int
    batches_to_prepare: int = 0  # the finished month's reimbursement batch, when not prepared yet


def agent_home(actor: Actor | None) -> AgentHome:
    """What needs an agent now."""
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        photos = session.exec(select(sa.func.count()).select_from(Photo).where(
            col(Photo.status) == PhotoStatus.PENDING, col(Photo.superseded_at).is_(None))).one()
        return AgentHome(len(pending_partners(session)), int(photos), count_pending(session),
                         len(reimbursement_batches.months_to_prepare(session)))


def partners_list(actor: Actor | None, wanted: PartnerFilter) -> list[PartnerRow]:
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        return partner_admin.list_partners(session, wanted)


def partner_payments(actor: Actor | None, partner_id: int) -> list[PaymentLine]:
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        if session.get(Partner, partner_id) is None:
            raise PartnerUnknown()
        return partner_admin.recent_payments(session, partner_id)


def suspend_partner(actor: Actor | None, partner_id: int, reason: str, *, now: dt.datetime | None = None) -> str:
    agent = require_role(actor, Role.AGENT)
    with session_scope() as session:
        partner = partner_admin.suspend_partner(session, partner_id, reason, now=now)
        reindex_partner(session, partner_id)
        record(session, agent, AuditAction.PARTNER_SUSPENDED, target_kind=AuditTarget.PARTNER, target_id=partner_id,
               target_label=f"{partner.name} (SIRET {partner.siret})", partner_id=partner_id,
               reason=partner_admin.clean_reason(reason), now=now)
        return f"« {partner.name} » est suspendue : plus de paiement ni de présence dans la recherche."


def reactivate_partner(actor: Actor | None, partner_id: int, reason: str, *, now: dt.datetime | None = None) -> str:
    agent = require_role(actor, Role.AGENT)
    with session_scope() as session:
        partner = partner_admin.reactivate_partner(session, partner_id, reason, now=now)
        reindex_partner(session, partner_id)
        record(session, agent, AuditAction.PARTNER_REACTIVATED, target_kind=AuditTarget.PARTNER,
               target_id=partner_id, target_label=f"{partner.name} (SIRET {partner.siret})", partner_id=partner_id,
               reason=partner_admin.clean_reason(reason), now=now)
        return f"« {partner.name} » est réactivée."


def establishments_stock(actor: Actor | None) -> list[SchoolStock]:
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        return stock_per_school(session)


def issue_card_lot(actor: Actor | None, establishment_id: int, count: int) -> IssuedBatch:
    """A card lot for the collège chosen in the stock list (never a typed UAI)."""
    agent = require_role(actor, Role.AGENT)
    with session_scope() as session:
        school = session.get(Establishment, establishment_id)
        if school is None:
            raise UnknownSchool()
        batch = printing.issue_cards(session, school.uai, count)
        record(session, agent, AuditAction.CARD_BATCH_ISSUED, target_kind=AuditTarget.CARD_BATCH,
               target_id=batch.batch_id, target_label=f"{batch.establishment_name} ({batch.establishment_uai})",
               details=f"{len(batch.numbers)} cartes")
        return batch
