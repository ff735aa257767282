"""The season's end with money left: one e-mail 30 days before and one 7 days before, only to
families who accepted the information e-mails, never twice however often the command runs."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.enrollment.models import Enrollment
from cjeune_app.core.use_cases.seasons import remind_season_end
from cjeune_app.core.wallet import api as wallet_api
from tests.support.mail import Outbox, body_text
from tests.support.money_world import build_world

PARENT = "famille.rappel@exemple.fr"


@pytest.fixture
def world(session, monkeypatch, tmp_path):
    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    monkeypatch.setenv("CJEUNE_DATA_DIR", str(tmp_path / "data"))
    built = build_world(session, youths=2)
    season = built.season
    for index, youth in enumerate(built.youths):
        wallet_api.credit_season(session, youth.pupil_id, season)
        parent = session.get(Account, youth.parent_account_id)
        parent.email = PARENT if index == 0 else "sans.optin@exemple.fr"
        session.add(parent)
        row = session.exec(select(Enrollment).where(Enrollment.pupil_id == youth.pupil_id)).one()
        row.optin_email = index == 0  # the second family did not accept the information e-mails
        session.add(row)
    session.commit()
    return built, season.ends_on


def test_reminders_30_then_7_days_before_once_each_and_only_with_the_opt_in(world):
    _, ends_on = world
    assert remind_season_end(ends_on - dt.timedelta(days=31)) == 0
    assert remind_season_end(ends_on - dt.timedelta(days=30)) == 1
    assert remind_season_end(ends_on - dt.timedelta(days=29)) == 0  # the daily timer again: nothing twice
    assert remind_season_end(ends_on - dt.timedelta(days=7)) == 1
    assert remind_season_end(ends_on - dt.timedelta(days=7)) == 0
    mails = Outbox().messages(to=PARENT)
    ends = ends_on.strftime("%d/%m/%Y")
    assert [" ".join(m["Subject"].split()) for m in mails] == [f"Il reste 150,00 € à utiliser avant le {ends}"] * 2
    assert "/desabonnement/?jeton=" in body_text(mails[0])  # the way to unsubscribe, in one click
    assert Outbox().messages(to="sans.optin@exemple.fr") == []
