"""A second "Suivant" of the enrollment stepper sent before the first one's answer came back (a double tap
on a slow line) is ignored: the family lands on step 2 without errors, not on step 2 refused with the
step-1 form."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlmodel import Session

from cjeune_app import routes
from cjeune_app.core.accounts.sessions import open_session
from cjeune_app.core.accounts.web import cookie_name
from cjeune_app.core.db import engine_for
from cjeune_app.ui.pages.enrollment_state import SHOWN_STEP, EnrollmentState
from tests.core.factories import make_pupil, make_season
from tests.support.event_socket import EventSocket

pytestmark = pytest.mark.postgres
STEPPER = EnrollmentState.get_full_name()


def signed_in_pupil(db_url: str) -> str:
    """A pupil of a school with an open season, signed in: the Cookie header of its tab."""
    with Session(engine_for(db_url), expire_on_commit=False) as session:
        make_season(session)
        _, account, _ = make_pupil(session)
        account.must_change_password = False
        session.add(account)
        token = open_session(session, account, remember=True)
        session.commit()
    return f"{cookie_name(True)}={token}"


def test_a_second_suivant_of_a_step_already_left_is_ignored(one_worker):
    base, db_url = one_worker
    tab = EventSocket(base, routes.ENROLLMENT, cookie=signed_in_pupil(db_url))
    step_one = {"guardian_last_name": "Martin", "guardian_first_name": "Nadia", SHOWN_STEP: "1"}

    async def scenario() -> dict:
        await tab.open()
        await tab.send(f"{STEPPER}.open_page", {})
        await tab.send(f"{STEPPER}.start", {})
        assert tab.state[STEPPER]["step_rx_state_"] == 1
        tap = json.dumps(["event", tab.event(f"{STEPPER}.next_step", {"form": step_one})])
        await tab.ws.send("42/_event," + tap)
        await tab.ws.send("42/_event," + tap)  # the second tap, before any answer
        await tab.send(f"{STEPPER}.set_text", {"name": "mobile", "value": ""})  # after both, in order
        return tab.state[STEPPER]

    seen = asyncio.run(scenario())
    assert seen["step_rx_state_"] == 2
    assert not seen.get("errors_rx_state_")
