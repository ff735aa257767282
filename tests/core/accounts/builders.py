"""Builders of the accounts tests: a school, a pupil with a temporary password, the actor of an account."""

from __future__ import annotations

import datetime as dt

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.pupils import create_pupil_with_account
from cjeune_app.core.actor import Actor
from cjeune_app.core.checksums import uai_key
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Establishment


def actor_for(account: Account | None) -> Actor | None:
    """Who acts with this account, as a door resolves it (a deactivated account: nobody)."""
    if account is None or not account.is_active:
        return None
    return Actor(account_id=account.id or 0, role=Role(account.role), display_name=account.login,
                 pupil_id=account.pupil_id, partner_id=account.partner_id,
                 establishment_id=account.establishment_id)


def make_school(session, digits="0131801", name="Collège Sainte-Victoire", insee="13001") -> Establishment:
    school = Establishment(uai=digits + uai_key(digits), name=name, commune_insee=insee)
    session.add(school)
    session.flush()
    return school


def make_pupil(session, school, last="Fernandez", first="Julie", password="Tempo2345x"):
    pupil, account, _ = create_pupil_with_account(
        session, school, last, first, dt.date(2013, 3, 14), "5e B", temporary_password=password
    )
    return pupil, account
