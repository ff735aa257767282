"""The family is told by e-mail when the card is associated and the season credited, once."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.sessions import close_session, digest, open_session
from cjeune_app.core.cards.models import Card
from cjeune_app.core.db import session_scope
from cjeune_app.core.errors import NotSignedIn
from cjeune_app.core.use_cases import cards
from cjeune_app.core.use_cases.sessions import SessionDigest
from cjeune_app.core.wallet.models import LedgerEntry
from tests.core.accounts.builders import actor_for
from tests.support.mail import Outbox, body_text
from tests.support.money_world import build_world

PARENT = "famille.credit@exemple.fr"


@pytest.fixture
def world(session, monkeypatch, tmp_path):
    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    monkeypatch.setenv("CJEUNE_DATA_DIR", str(tmp_path / "data"))
    built = build_world(session, youths=1, cards=2)
    parent = session.get(Account, built.youths[0].parent_account_id)
    parent.email = PARENT
    session.add(parent)
    session.commit()
    return built


def test_the_credit_is_mailed_once_even_when_the_association_is_replayed(world):
    youth = world.youths[0]
    with session_scope(read_only=True) as session:
        parent = actor_for(session.get(Account, youth.parent_account_id))
    result = cards.associate_card(parent, youth.pupil_id, world.cards[0], "cle-credit-1")
    assert result.credited_cents == 15_000
    cards.associate_card(parent, youth.pupil_id, world.cards[0], "cle-credit-1")  # the same request again
    mails = Outbox().messages(to=PARENT)
    assert [" ".join(m["Subject"].split()) for m in mails] == ["La carte de Test est créditée de 150,00 €"]
    assert f"pour la saison {result.season_code}" in body_text(mails[0])


def test_the_page_session_is_checked_in_the_association_itself(world):
    """"Terminer" names the page's session: a live one associates and credits, a session signed out
    meanwhile (another tab, a password changed) associates nothing and credits nothing."""
    first = world.youths[0]
    with session_scope() as session:
        parent = session.get(Account, first.parent_account_id)
        live, closed = open_session(session, parent, remember=False), open_session(session, parent, remember=False)
        close_session(session, closed)
    with pytest.raises(NotSignedIn):
        cards.associate_card(SessionDigest(digest(closed)), first.pupil_id, world.cards[0], "cle-session-1")
    with pytest.raises(NotSignedIn):
        cards.associate_card(SessionDigest(None), first.pupil_id, world.cards[0], "cle-session-2")
    with session_scope(read_only=True) as session:
        assert session.exec(select(Card).where(Card.pupil_id == first.pupil_id)).first() is None
        assert session.exec(select(LedgerEntry)).first() is None
    assert Outbox().messages(to=PARENT) == []
    result = cards.associate_card(SessionDigest(digest(live)), first.pupil_id, world.cards[0], "cle-session-3")
    assert result.credited_cents == 15_000
    assert len(Outbox().messages(to=PARENT)) == 1
