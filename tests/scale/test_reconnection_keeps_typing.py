"""A tab whose socket reconnects (a network cut on the phone, a worker restarted) reopens the
enrollment at the step it showed: what was typed on that step and not yet saved by "Suivant" is still
there, while the steps already saved come back from the draft."""

from __future__ import annotations

import asyncio

import pytest

from cjeune_app import routes
from cjeune_app.ui.pages.enrollment_state import SHOWN_STEP, EnrollmentState
from tests.scale.test_double_tap import signed_in_pupil
from tests.support.event_socket import EventSocket

pytestmark = pytest.mark.postgres
STEPPER = EnrollmentState.get_full_name()


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
