"""The family is told by e-mail when the card is associated and the season credited, once."""

from __future__ import annotations

import pytest

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.db import session_scope
from cjeune_app.core.use_cases import cards
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
