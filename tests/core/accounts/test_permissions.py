"""Who may see which pupil, and which roles open which space."""

from __future__ import annotations

import pytest

from cjeune_app.api.errors import status_of
from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden as PermissionDenied
from cjeune_app.core.errors import NotSignedIn
from cjeune_app.core.permissions import (
    can_see_pupil,
    require_partner_access,
    require_pupil_access,
    require_role,
)
from tests.core.accounts.builders import actor_for as actor
from tests.core.accounts.builders import make_pupil, make_school


@pytest.fixture
def world(session):
    aix = make_school(session, "0131801", "Collège Sainte-Victoire", "13001")
    marseille = make_school(session, "0133352", "Collège du Vieux-Port", "13202")
    julie, julie_account = make_pupil(session, aix, "Fernandez", "Julie")
    paul, paul_account = make_pupil(session, marseille, "Durand", "Paul")
    hugo, _ = make_pupil(session, aix, "Fernandez", "Hugo")
    parent = Account(role=Role.PARENT, login="maman@exemple.fr")
    agent = Account(role=Role.AGENT, login="agent@departement13.fr")
    aix_staff = Account(role=Role.ESTABLISHMENT, login="ati@aix.fr", establishment_id=aix.id)
    youth = Account(role=Role.YOUTH, login="lea@exemple.fr")
    partner = Account(role=Role.PARTNER, login="club@exemple.fr", partner_id=None)
    session.add_all([parent, agent, aix_staff, youth, partner])
    session.flush()
    session.add_all([ParentLink(parent_account_id=parent.id, pupil_id=julie.id),
                     ParentLink(parent_account_id=parent.id, pupil_id=hugo.id)])
    session.commit()
    return {"julie": julie, "paul": paul, "hugo": hugo, "julie_account": julie_account, "paul_account": paul_account,
                "parent": parent, "agent": agent, "aix_staff": aix_staff, "youth": youth, "partner": partner}


def visible(session, account, world) -> set[str]:
    return {name for name in ("julie", "paul", "hugo") if can_see_pupil(session, actor(account), world[name].id)}


def test_who_sees_which_pupil(session, world):
    assert visible(session, world["julie_account"], world) == {"julie"}
    assert visible(session, world["paul_account"], world) == {"paul"}
    assert visible(session, world["parent"], world) == {"julie", "hugo"}
    assert visible(session, world["aix_staff"], world) == {"julie", "hugo"}
    assert visible(session, world["agent"], world) == {"julie", "paul", "hugo"}
    assert visible(session, world["youth"], world) == set()
    assert visible(session, world["partner"], world) == set()
    assert visible(session, None, world) == set()


def test_changing_the_id_gives_the_same_refusal_as_an_id_that_does_not_exist(session, world):
    with pytest.raises(PermissionDenied) as other_family:
        require_pupil_access(session, actor(world["parent"]), world["paul"].id)
    with pytest.raises(PermissionDenied) as missing:
        require_pupil_access(session, actor(world["parent"]), 999_999)
    assert other_family.value.message == missing.value.message
    assert require_pupil_access(session, actor(world["parent"]), world["hugo"].id).first_name == "Hugo"


def test_a_deactivated_account_sees_nothing(session, world):
    world["agent"].is_active = False
    assert visible(session, world["agent"], world) == set()
    with pytest.raises(NotSignedIn):
        require_role(actor(world["agent"]), Role.AGENT)


@pytest.mark.parametrize(
    ("who", "space_roles", "allowed"),
    [
        ("julie_account", (Role.PARENT,), False),
        ("julie_account", (Role.AGENT,), False),
        ("julie_account", (Role.ESTABLISHMENT,), False),
        ("julie_account", (Role.PARTNER,), False),
        ("julie_account", (Role.PUPIL, Role.YOUTH), True),
        ("parent", (Role.PUPIL,), False),
        ("parent", (Role.PARENT,), True),
        ("aix_staff", (Role.AGENT,), False),
        ("agent", (Role.AGENT,), True),
        ("partner", (Role.AGENT, Role.ESTABLISHMENT), False),
    ],
)
def test_spaces_admit_only_their_roles(world, who, space_roles, allowed):
    someone = actor(world[who])
    if allowed:
        assert require_role(someone, *space_roles) is someone
    else:
        with pytest.raises(PermissionDenied):
            require_role(someone, *space_roles)


def test_nobody_signed_in_is_told_to_sign_in():
    with pytest.raises(NotSignedIn) as refused:
        require_role(None, Role.PARENT)
    assert status_of(refused.value) == 401 and "connectez-vous" in refused.value.message


def test_a_partner_reaches_only_its_own_structure():
    club = actor(Account(role=Role.PARTNER, login="club@exemple.fr", partner_id=7))
    assert require_partner_access(club, 7) is club
    with pytest.raises(PermissionDenied):
        require_partner_access(club, 8)
    with pytest.raises(PermissionDenied):
        require_partner_access(actor(Account(role=Role.PARENT, login="p@exemple.fr")), 7)
