"""The family hears of the photo's review by e-mail: refused (the reason, the link to send another)
or validated. Read back from the outbox, through the agents' use cases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.parents import create_or_get_parent_for_enrollment
from cjeune_app.core.accounts.pupils import create_pupil_with_account
from cjeune_app.core.accounts.staff import create_back_office_account
from cjeune_app.core.checksums import uai_key
from cjeune_app.core.db import session_scope
from cjeune_app.core.establishments.models import Establishment
from cjeune_app.core.photos.api import submit_photo
from cjeune_app.core.photos.errors import RejectionReasonMissing
from cjeune_app.core.use_cases import photos
from tests.core.accounts.builders import actor_for
from tests.core.photos.builders import jpeg
from tests.support.mail import Outbox, body_text, links_in

PARENT = "claire.martin@exemple.fr"


@pytest.fixture
def family(session, monkeypatch, tmp_path):
    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    monkeypatch.setenv("CJEUNE_DATA_DIR", str(tmp_path / "data"))
    school = Establishment(uai="0131801" + uai_key("0131801"), name="Collège Mistral", commune_insee="13001")
    session.add(school)
    session.flush()
    pupil, _, _ = create_pupil_with_account(session, school, "Martin", "Zoé", dt.date(2013, 2, 1), "5e A",
                                            "Provence13a")
    create_or_get_parent_for_enrollment(session, PARENT, "Claire", "Martin", pupil.id)
    agent, _ = create_back_office_account(session, role="agent", email="agent@departement13.fr",
                                          first_name="Camille", last_name="Agent", password="Provence2026")
    photo = submit_photo(session, pupil.id, jpeg(), None)
    session.commit()
    return pupil.id, photo.id, actor_for(agent)


def _after_activation(outbox: Outbox) -> list:
    return [m for m in outbox.messages(to=PARENT) if "photo" in m["Subject"]]


def test_a_refused_photo_mails_the_reason_and_the_link_to_change_it(family):
    pupil_id, photo_id, agent = family
    photos.reject_photo(agent, photo_id, "La photo est floue.")
    mails = _after_activation(Outbox())
    assert [m["Subject"] for m in mails] == ["La photo d'identité de Zoé a été refusée"]
    text = body_text(mails[0])
    assert "Motif du refus : La photo est floue." in text
    assert any(link.endswith(f"/photo?enfant={pupil_id}") for link in links_in(mails[0]))


def test_a_validated_photo_mails_the_family(family):
    _, photo_id, agent = family
    photos.validate_photo(agent, photo_id)
    mails = _after_activation(Outbox())
    assert [m["Subject"] for m in mails] == ["La photo d'identité de Zoé est validée"]


def test_no_mail_when_the_review_is_refused(family):
    _, photo_id, agent = family
    with pytest.raises(RejectionReasonMissing):
        photos.reject_photo(agent, photo_id, "  ")
    assert _after_activation(Outbox()) == []
    with session_scope(read_only=True) as session:
        assert session.exec(select(Account).where(Account.email == PARENT)).one()
