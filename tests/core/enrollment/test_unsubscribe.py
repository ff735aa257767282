"""One-click unsubscribe from the optional e-mails (RFC 8058): the season's end reminder carries a
signed link and the List-Unsubscribe headers; following it withdraws the e-mail opt-in of the family
(appended to the consent ledger with its time) and no optional e-mail follows. Service messages
carry none."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cjeune_app.core.accounts.family_emails import send_photo_refused
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.db import session_scope
from cjeune_app.core.enrollment.errors import UnsubscribeLinkInvalid
from cjeune_app.core.enrollment.models import ConsentRecord, Enrollment
from cjeune_app.core.use_cases import my_account
from cjeune_app.core.use_cases.seasons import remind_season_end
from cjeune_app.core.wallet import api as wallet_api
from tests.support.mail import body_text, links_in, token_from
from tests.support.money_world import build_world

PARENT = "famille.desabonnement@exemple.fr"


@pytest.fixture
def world(session, smtp_server, monkeypatch, tmp_path):
    monkeypatch.setenv("CJEUNE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CJEUNE_PUBLIC_URL", "https://cjeune.exemple.fr")
    built = build_world(session, youths=1)
    youth = built.youths[0]
    wallet_api.credit_season(session, youth.pupil_id, built.season)
    parent = session.get(Account, youth.parent_account_id)
    parent.email = PARENT
    session.add(parent)
    row = session.exec(select(Enrollment).where(Enrollment.pupil_id == youth.pupil_id)).one()
    row.optin_email, row.email = True, PARENT
    session.add(row)
    session.commit()
    return youth.pupil_id, built.season.ends_on


def test_the_reminder_s_link_and_one_click_headers_withdraw_the_consent_and_nothing_optional_follows(world, smtp_server):
    pupil_id, ends_on = world
    assert remind_season_end(ends_on - dt.timedelta(days=30)) == 1
    [mail] = smtp_server.messages(to=PARENT)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = mail["List-Unsubscribe"].strip("<>")
    assert one_click.startswith("https://cjeune.exemple.fr/desabonnement/un-clic?jeton=")
    page = next(link for link in links_in(mail) if "/desabonnement/?jeton=" in link)
    assert token_from(page) == token_from(one_click)
    assert "en un clic" in body_text(mail)

    token = token_from(page)
    assert my_account.unsubscribe_status(token).subscribed is True  # opening the page changes nothing
    assert my_account.unsubscribe_status(token).address == PARENT
    assert my_account.unsubscribe(token).subscribed is False
    assert my_account.unsubscribe(token).subscribed is False  # twice: harmless
    with session_scope(read_only=True) as session:
        ledger = session.exec(select(ConsentRecord).join(Enrollment, Enrollment.id == ConsentRecord.enrollment_id)
                              .where(Enrollment.pupil_id == pupil_id, ConsentRecord.kind == "optin_email")
                              .order_by(ConsentRecord.id)).all()
    assert [record.value for record in ledger][-1:] == [False]
    assert ledger[-1].recorded_at is not None and ledger[-1].contact == PARENT
    assert len([record for record in ledger if not record.value]) == 1  # withdrawn once

    assert remind_season_end(ends_on - dt.timedelta(days=7)) == 0  # no further optional e-mail
    assert len(smtp_server.messages(to=PARENT)) == 1


def test_an_altered_link_is_refused_and_changes_nothing(world):
    from cjeune_app.core.enrollment.unsubscribe import unsubscribe_token

    pupil_id, _ = world
    token = unsubscribe_token(pupil_id, PARENT)
    other = unsubscribe_token(pupil_id + 1, PARENT)
    forged = ".".join(token.split(".")[:3] + [other.split(".")[3]])
    for bad in (forged, token[:-2], "", "1.x.y.z"):
        with pytest.raises(UnsubscribeLinkInvalid):
            my_account.unsubscribe(bad)
    assert my_account.unsubscribe_status(token).subscribed is True


def test_a_service_message_carries_no_unsubscribe(world, smtp_server, session):
    pupil_id, _ = world
    send_photo_refused(session, pupil_id, "Photo floue")
    session.commit()
    [mail] = smtp_server.messages(to=PARENT)
    assert mail["List-Unsubscribe"] is None and "desabonnement" not in body_text(mail)
