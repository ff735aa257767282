"""A tab whose socket reconnects (a network cut on the phone, a worker restarted, a reload) reopens the
page at the step it showed: what was typed and not yet sent is still there. The enrollment keeps the
step being typed (the steps already saved come back from the draft); "Associer une carte" keeps the
number and the key of its request, so that "Terminer" then associates the card and credits once."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import Session

from cjeune_app import routes
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.sessions import open_session
from cjeune_app.core.accounts.web import cookie_name
from cjeune_app.core.db import engine_for
from cjeune_app.core.wallet.api import balances
from cjeune_app.ui.pages.card_association import CardAssociationState
from cjeune_app.ui.pages.enrollment_state import SHOWN_STEP, EnrollmentState
from tests.scale.test_double_tap import signed_in_pupil
from tests.support.event_socket import EventSocket
from tests.support.money_world import build_world

pytestmark = pytest.mark.postgres
STEPPER = EnrollmentState.get_full_name()
CARD = CardAssociationState.get_full_name()


def test_the_step_being_typed_survives_a_reconnection(one_worker):
    base, db_url = one_worker
    tab = EventSocket(base, routes.ENROLLMENT, cookie=signed_in_pupil(db_url))

    async def scenario() -> tuple[dict, dict]:
        await tab.open()
        await tab.send(f"{STEPPER}.start", {})
        await tab.send(f"{STEPPER}.next_step", {"form": {
            "guardian_last_name": "Martin", "guardian_first_name": "Nadia", SHOWN_STEP: "1"}})
        assert tab.state[STEPPER]["step_rx_state_"] == 2
        await tab.send(f"{STEPPER}.set_text", {"name": "address_line", "value": "12 rue de la République"})
        await tab.send(f"{STEPPER}.set_check", {"name": "optin_email", "value": True})
        await tab.close()
        await tab.open()  # the page's socket.io client: the same token, the page's load again
        reopened = dict(tab.state[STEPPER])
        # Another tab (a new token) opens the same draft: only what "Suivant" saved.
        other = EventSocket(base, routes.ENROLLMENT, cookie=tab.cookie)
        await other.open()
        fresh = dict(other.state[STEPPER])
        await other.close()
        await tab.close()
        return reopened, fresh

    reopened, fresh = asyncio.run(scenario())
    assert reopened["step_rx_state_"] == 2 and reopened["guardian_last_name_rx_state_"] == "Martin"
    assert reopened["address_line_rx_state_"] == "12 rue de la République"
    assert reopened["optin_email_rx_state_"] is True
    assert fresh["step_rx_state_"] == 2 and fresh["guardian_last_name_rx_state_"] == "Martin"
    assert fresh.get("address_line_rx_state_", "") == ""


def test_the_typed_card_number_survives_a_reconnection(one_worker):
    base, db_url = one_worker
    with Session(engine_for(db_url), expire_on_commit=False) as session:
        world = build_world(session, youths=1, cards=1)
        youth = world.youths[0]
        account = session.get(Account, youth.account_id)
        account.must_change_password = False
        session.add(account)
        token = open_session(session, account, remember=True)
        session.commit()
    tab = EventSocket(base, routes.CARD_ASSOCIATION, cookie=f"{cookie_name(True)}={token}")
    number = world.cards[0]

    async def scenario() -> dict:
        await tab.open()
        await tab.send(f"{CARD}.next_step", {})
        await tab.send(f"{CARD}.type_number", {"typed": f"{number[:4]} {number[4:8]} {number[8:]}"})
        await tab.close()
        await tab.open()
        reopened = dict(tab.state[CARD])
        await tab.send(f"{CARD}.finish", {})
        await tab.close()
        return reopened

    reopened = asyncio.run(scenario())
    assert reopened["step_rx_state_"] == 2
    assert reopened["number_rx_state_"].replace(" ", "") == number
    with Session(engine_for(db_url)) as session:
        assert balances(session, youth.pupil_id, world.season.id) == {"sport_culture": 10_000,
                                                                        "soutien_scolaire": 5_000}
