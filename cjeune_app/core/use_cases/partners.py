"""Partner structures: sign-up, the agents' validation queue and decisions, the partner space home."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cjeune_app.core.actor import Actor
from cjeune_app.core.audit import AuditAction, AuditTarget, record
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.partners import api as partners
from cjeune_app.core.partners.api import PartnerReview, PartnerSummary
from cjeune_app.core.partners.validation import PartnerSignUp
from cjeune_app.core.permissions import require_partner, require_role
from cjeune_app.core.search import reindex_partner


@dataclass(frozen=True)
class PartnerHome:
    partner_id: int
    name: str


def sign_up_partner(form: PartnerSignUp, *, now: dt.datetime | None = None) -> None:
    """Anyone may sign a structure up (FormErrors for mistakes); the answer never says whether the
    contact address already had an account."""
    with session_scope() as session:
        partners.sign_up_partner(session, form, now=now)


def validation_queue(actor: Actor | None) -> list[PartnerReview]:
    """Structures whose e-mail is confirmed and that wait for an agent, oldest first."""
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        return partners.pending_partners(session)


def validate_partner(actor: Actor | None, partner_id: int, *, now: dt.datetime | None = None) -> PartnerSummary:
    """An agent validates a structure: it may sign in, and "Trouver un partenaire" finds it at once."""
    require_role(actor, Role.AGENT)
    with session_scope() as session:
        partner = partners.validate_partner(session, partner_id, now=now)
        reindex_partner(session, partner.id)
        record(session, actor, AuditAction.PARTNER_VALIDATED, target_kind=AuditTarget.PARTNER,
               target_id=partner.id, target_label=f"{partner.name} (SIRET {partner.siret})",
               partner_id=partner.id, now=now)
        return partner


def reject_partner(
    actor: Actor | None, partner_id: int, reason: str, *, now: dt.datetime | None = None
) -> PartnerSummary:
    """An agent refuses a structure, with the reason e-mailed to it."""
    require_role(actor, Role.AGENT)
    with session_scope() as session:
        partner = partners.reject_partner(session, partner_id, reason, now=now)
        reindex_partner(session, partner.id)
        record(session, actor, AuditAction.PARTNER_REJECTED, target_kind=AuditTarget.PARTNER,
               target_id=partner.id, target_label=f"{partner.name} (SIRET {partner.siret})",
               partner_id=partner.id, reason=reason, now=now)
        return partner


def partner_home(actor: Actor | None) -> PartnerHome:
    """What the partner space's home shows: the structure signed in."""
    partner_id = require_partner(actor)
    assert actor is not None
    return PartnerHome(partner_id=partner_id, name=actor.display_name)
