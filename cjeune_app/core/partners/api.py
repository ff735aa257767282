"""Partner structures: sign-up, e-mail verification, then an agent's validation.

Who may decide is checked by the use cases (core.use_cases.partners), which also keep the search
index in step. A structure signs up with its contact e-mail and a password; once the address is confirmed
it waits "en attente de validation" in the agents' queue; an agent validates it (it can then
sign in to its space) or rejects it with a reason. The structure is told by e-mail each time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from cjeune_app.core.accounts import emails as account_emails
from cjeune_app.core.accounts import sessions as account_sessions
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.models import Account, OneTimeToken, TokenPurpose
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.accounts.tokens import TOKEN_LIFETIME, send_verification
from cjeune_app.core.db import utcnow
from cjeune_app.core.email_address import normalize_email
from cjeune_app.core.enums import PartnerStatus, Role
from cjeune_app.core.errors import Forbidden
from cjeune_app.core.partners import emails
from cjeune_app.core.partners.errors import PartnerAlreadyDecided, PartnerEmailNotConfirmed
from cjeune_app.core.partners.models import Partner, PartnerCategory
from cjeune_app.core.partners.validation import PartnerSignUp, normalize_siret, partner_form_errors
from cjeune_app.core.site import ASSISTANCE_PHONE
from cjeune_app.core.territory import commune_by_insee


def sign_up_partner(session: Session, form: PartnerSignUp, *, now: dt.datetime | None = None) -> None:
    """Creates the structure (pending) and its first account, and e-mails the verification link.

    Raises FormErrors for mistakes. When the contact address already has an account, nothing
    is created and that address is told by e-mail: the answer on screen is the same.
    """
    now = now or utcnow()
    errors = partner_form_errors(form)
    if errors:
        raise FormErrors(errors)
    siret, email = normalize_siret(form.siret), normalize_email(form.contact_email)
    _make_room_for(session, siret, now)
    password_hash = hash_password(form.password)  # in every branch: same response time
    if session.exec(select(Account.id).where(Account.login == email)).first() is not None:
        account_emails.send_account_already_exists(session, email)
        return
    partner = Partner(
        name=form.name.strip(), kind=form.kind, siret=siret, address=form.address.strip(),
        postal_code=form.postal_code.strip(), commune_insee=form.commune_insee.strip(),
        contact_email=email, phone=(form.phone or "").strip(), website=(form.website or "").strip(),
        description=(form.description or "").strip(), status=PartnerStatus.PENDING, created_at=now, updated_at=now,
    )
    _place_at_commune(partner)
    session.add(partner)
    session.flush()
    assert partner.id is not None
    session.add_all(PartnerCategory(partner_id=partner.id, category=c) for c in sorted(set(form.categories)))
    account = Account(role=Role.PARTNER, login=email, email=email, password_hash=password_hash,
                      partner_id=partner.id, created_at=now)
    session.add(account)
    session.flush()
    send_verification(session, account, now=now)


def _place_at_commune(partner: Partner) -> None:
    # Until the address is geocoded, the map and "autour de moi" use the commune's centre.
    commune = commune_by_insee(partner.commune_insee)
    if commune is not None:  # checked by the form
        partner.latitude, partner.longitude = commune.latitude, commune.longitude


def _make_room_for(session: Session, siret: str, now: dt.datetime) -> None:
    """A SIRET already signed up is refused, unless that sign-up was never confirmed and its
    link has expired: then it is forgotten and the structure may sign up again."""
    existing = session.exec(select(Partner).where(Partner.siret == siret).with_for_update()).first()
    if existing is None:
        return
    members = session.exec(select(Account).where(Account.partner_id == existing.id)).all()
    confirmed = any(member.email_verified_at for member in members)
    link_expired = existing.created_at + TOKEN_LIFETIME[TokenPurpose.VERIFY_EMAIL] <= now
    if existing.status != PartnerStatus.PENDING or confirmed:
        raise FormErrors({"siret": (
            "Cette structure (même numéro SIRET) est déjà inscrite sur CJeune de Provence. "
            f"Si vous en faites partie, connectez-vous ou contactez l'assistance au {ASSISTANCE_PHONE}."
        )})
    if not link_expired:
        raise FormErrors({"siret": (
            "Une inscription de cette structure attend la confirmation de son adresse e-mail de "
            "contact : cliquez sur le lien reçu (valable 48 heures) ou recommencez après ce délai."
        )})
    member_ids = [member.id for member in members]
    if member_ids:
        session.exec(delete(OneTimeToken).where(col(OneTimeToken.account_id).in_(member_ids)))
        session.exec(delete(Account).where(col(Account.id).in_(member_ids)))
    session.exec(delete(PartnerCategory).where(col(PartnerCategory.partner_id) == existing.id))
    session.delete(existing)
    session.flush()


@dataclass(frozen=True)
class PartnerSummary:
    """What the back office shows of a structure."""

    id: int
    name: str
    kind: str
    siret: str
    address: str
    postal_code: str
    commune_insee: str
    contact_email: str
    status: PartnerStatus


def summary_of(partner: Partner) -> PartnerSummary:
    assert partner.id is not None
    return PartnerSummary(
        id=partner.id, name=partner.name, kind=partner.kind, siret=partner.siret, address=partner.address,
        postal_code=partner.postal_code, commune_insee=partner.commune_insee,
        contact_email=partner.contact_email, status=PartnerStatus(partner.status),
    )


@dataclass(frozen=True)
class PartnerReview:
    """One line of the agents' queue."""

    partner: PartnerSummary
    categories: list[str]
    commune_name: str
    email_confirmed_at: dt.datetime


def pending_partners(session: Session) -> list[PartnerReview]:
    """Structures whose e-mail is confirmed and that wait for an agent, oldest first."""
    rows = session.exec(
        select(Partner, Account.email_verified_at)
        .join(Account, col(Account.partner_id) == Partner.id)
        .where(col(Partner.status) == PartnerStatus.PENDING, col(Account.email_verified_at).is_not(None))
        .order_by(col(Partner.created_at), col(Partner.id))
    ).all()
    reviews: list[PartnerReview] = []
    seen: set[int] = set()
    for partner, confirmed_at in rows:
        assert partner.id is not None and confirmed_at is not None
        if partner.id in seen:
            continue
        seen.add(partner.id)
        reviews.append(PartnerReview(
            partner=summary_of(partner),
            categories=_categories(session, partner.id),
            commune_name=_commune_name(partner.commune_insee),
            email_confirmed_at=confirmed_at,
        ))
    return reviews


def _commune_name(insee_code: str) -> str:
    commune = commune_by_insee(insee_code)
    return commune.name if commune else ""


def _categories(session: Session, partner_id: int) -> list[str]:
    return list(session.exec(
        select(PartnerCategory.category)
        .where(PartnerCategory.partner_id == partner_id)
        .order_by(PartnerCategory.category)
    ).all())


def _pending_for_decision(session: Session, partner_id: int) -> Partner:
    partner = session.exec(select(Partner).where(Partner.id == partner_id).with_for_update()).first()
    if partner is None:
        raise Forbidden()
    if partner.status != PartnerStatus.PENDING:
        raise PartnerAlreadyDecided()
    confirmed = session.exec(
        select(Account.id).where(Account.partner_id == partner.id, col(Account.email_verified_at).is_not(None))
    ).first()
    if confirmed is None:
        raise PartnerEmailNotConfirmed()
    return partner


def validate_partner(session: Session, partner_id: int, *, now: dt.datetime | None = None) -> PartnerSummary:
    """The structure may sign in from now on (the caller reindexes it for the search)."""
    now = now or utcnow()
    partner = _pending_for_decision(session, partner_id)
    partner.status, partner.validated_at, partner.updated_at = PartnerStatus.VALIDATED, now, now
    partner.rejection_reason = None
    emails.send_partner_validated(session, partner)
    session.flush()
    return summary_of(partner)


def reject_partner(
    session: Session, partner_id: int, reason: str, *, now: dt.datetime | None = None
) -> PartnerSummary:
    reason = (reason or "").strip()
    if not reason:
        raise FormErrors({"reason": "Indiquez le motif du refus : il sera envoyé à la structure."})
    if len(reason) > 500:
        raise FormErrors({"reason": "Le motif est trop long (500 caractères au plus)."})
    now = now or utcnow()
    partner = _pending_for_decision(session, partner_id)
    partner.status, partner.rejection_reason, partner.updated_at = PartnerStatus.REJECTED, reason, now
    emails.send_partner_rejected(session, partner)
    session.flush()
    return summary_of(partner)


def partner_id_for_session(session: Session, token: str | None) -> int | None:
    """The structure of a signed-in partner account (validated: sessions of others are refused)."""
    account = account_sessions.account_for_token(session, token)
    if account is None or account.role != Role.PARTNER or account.partner_id is None:
        return None
    partner = session.get(Partner, account.partner_id)
    return account.partner_id if partner is not None and partner.status == PartnerStatus.VALIDATED else None
