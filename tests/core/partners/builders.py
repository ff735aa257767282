"""The one place tests build partner structures and their bons plans (straight into the tables),
and sign a structure up the way a person does."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlmodel import Session, select

from cjeune_app.core.accounts.links import verify_email
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import PartnerKind, PartnerStatus, Role
from cjeune_app.core.partners.models import Offer, Partner, PartnerCategory
from cjeune_app.core.partners.validation import PartnerSignUp
from cjeune_app.core.territory import commune_by_insee
from cjeune_app.core.use_cases import partners
from cjeune_app.core.use_cases.sessions import actor_of
from tests.support.mail import Outbox, links_in, token_from


def add_partner(
    session: Session,
    name: str,
    categories: Iterable[str] = ("sport",),
    *,
    insee: str = "13001",
    description: str = "",
    status: str = PartnerStatus.VALIDATED,
    address: str = "",
    postal_code: str = "",
    siret: str | None = None,
    placed: bool = False,  # at its commune's centre (else no position of its own)
) -> Partner:
    """A structure with its categories (flushed, not committed)."""
    commune = commune_by_insee(insee)
    partner = Partner(
        name=name, kind=PartnerKind.ASSOCIATION, siret=siret or str(uuid.uuid4().int)[:14],
        description=description, address=address, postal_code=postal_code, commune_insee=insee,
        latitude=commune.latitude if placed else None, longitude=commune.longitude if placed else None,
        status=status,
    )
    session.add(partner)
    session.flush()
    session.add_all(PartnerCategory(partner_id=partner.id, category=c) for c in categories)
    session.flush()
    return partner


def add_offer(
    session: Session, partner: Partner, title: str, *, starts_at: dt.datetime, expires_at: dt.datetime,
    discount: str = "", category: str = "sport", published: bool = True, commune_insee: str | None = None,
) -> Offer:
    offer = Offer(partner_id=partner.id, title=title, discount_text=discount, category=category,
                  commune_insee=commune_insee or partner.commune_insee, starts_at=starts_at,
                  expires_at=expires_at, published=published)
    session.add(offer)
    session.flush()
    return offer


# Signing up the way a structure does.

SIGN_UP_NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
SIGN_UP_FORM = PartnerSignUp(
    name="Judo Club d'Arles", kind="association", siret="732 829 320 00074", address="12 rue du Stade",
    postal_code="13200", commune_insee="13004", categories=["sport"],
    contact_email="Contact@JudoArles.fr", password="Tatami2026",
)


def add_agent(session: Session) -> Actor:
    """An agent of the Département (committed), as the use cases see it."""
    account = Account(role=Role.AGENT, login="agent@departement13.fr", email="agent@departement13.fr",
                      password_hash=hash_password("Agent2026x"))
    session.add(account)
    session.commit()
    return actor_of(session, account)


def sign_up_and_confirm(session: Session, outbox: Outbox, partner_form: PartnerSignUp = SIGN_UP_FORM,
                        now: dt.datetime = SIGN_UP_NOW) -> Partner:
    """A structure signs up and confirms its contact address: it waits for an agent."""
    partners.sign_up_partner(partner_form, now=now)
    email = partner_form.contact_email.lower()
    verify_email(session, token_from(links_in(outbox.last(email))[0]), now=now)
    session.commit()
    partner = session.exec(select(Partner).where(Partner.contact_email == email)).one()
    session.commit()  # the use cases write in their own transactions: none stays open here
    return partner


def partner_actor(partner_id: int, name: str = "Structure") -> Actor:
    """A signed-in member of a validated structure, as the use cases see it."""
    return Actor(account_id=0, role=Role.PARTNER, display_name=name, partner_id=partner_id)
