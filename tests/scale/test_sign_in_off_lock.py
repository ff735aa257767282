"""Signing in verifies the password with argon2 (50 to 100 ms) outside the tab's state lock (a
background event): an event of the same tab sent meanwhile, the password checklist, is answered
before the sign-in's outcome, which then still comes, complete."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlmodel import Session

from cjeune_app import routes
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.db import engine_for
from cjeune_app.ui.pages.sign_in import SignInState
from tests.core.factories import make_pupil
from tests.support.event_socket import EventSocket

pytestmark = pytest.mark.postgres
SIGN_IN = SignInState.get_full_name()
PASSWORD = "Judo-du-mercredi-2026"


def pupil_with_password(db_url: str) -> str:
    """A pupil whose own password (not a temporary one) is PASSWORD: its login."""
    with Session(engine_for(db_url), expire_on_commit=False) as session:
        _, account, _ = make_pupil(session)
        account.password_hash, account.must_change_password = hash_password(PASSWORD), False
        session.add(account)
        session.commit()
        return account.login


async def next_delta(tab: EventSocket) -> dict:
    """The sign-in state's part of the next update the tab receives."""
    while True:
        frame = await asyncio.wait_for(tab.ws.recv(), 30)
        if frame == "2":  # engine.io ping
            await tab.ws.send("3")
        elif frame.startswith("42/_event,"):
            kind, update = json.loads(frame[len("42/_event,"):])[:2]
            if kind == "event":
                return (update.get("delta") or {}).get(SIGN_IN, {})


def test_the_tab_is_answered_while_the_password_is_checked(one_worker):
    base, db_url = one_worker
    login = pupil_with_password(db_url)

    async def scenario() -> list[str]:
        tab = EventSocket(base, routes.sign_in_door("collegien"))
        await tab.open()
        await tab.send(f"{SIGN_IN}.start", {"door": "collegien"})
        await tab.send(f"{SIGN_IN}.submit_identifier", {"form": {"login": login}})
        assert tab.state[SIGN_IN]["step_rx_state_"] == "password"
        # The password, then at once a key typed elsewhere in the tab (the checklist's event).
        for name, payload in ((f"{SIGN_IN}.submit_password", {"form": {"password": PASSWORD}}),
                              (f"{SIGN_IN}.check_new_password", {"value": "abc"})):
            await tab.ws.send("42/_event," + json.dumps(["event", tab.event(name, payload)]))
        answers = []
        while "signed in" not in answers:
            delta = await next_delta(tab)
            if "checklist_rx_state_" in delta:
                answers.append("checklist")
            if delta.get("step_rx_state_") == "remember":
                assert delta.get("error_rx_state_", "") == ""
                answers.append("signed in")
        await tab.close()
        return answers

    assert asyncio.run(scenario()) == ["checklist", "signed in"]
