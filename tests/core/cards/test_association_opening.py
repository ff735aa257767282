""""Associer une carte" opens in one unit of work with the lookup of who is signed in
(`family.open_page`): the screen of the youth the page is about, and nothing for a youth who is not
the actor's to see (the page then says so)."""

from __future__ import annotations

from sqlmodel import Session

from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.accounts.sessions import digest, open_session
from cjeune_app.core.cards.errors import EnrollmentNotCompleted, PhotoMissing
from cjeune_app.core.db import engine_for
from cjeune_app.core.use_cases import cards, family
from tests.core.factories import make_pupil, make_season


def test_the_page_reads_its_screen_with_the_actor_and_nothing_of_another_youth(db_url):
    with Session(engine_for(db_url), expire_on_commit=False) as session:
        make_season(session)
        julie, account, _ = make_pupil(session)
        leo, _, _ = make_pupil(session, "Martin", "Léo")
        account.password_hash, account.must_change_password = hash_password("Soleil2026"), False
        token = open_session(session, account, remember=False)
        session.commit()

    own = family.open_page(digest(token), cards.association_read(None))
    assert own is not None and own.actor.account_id == account.id
    assert own.page.family.child.pupil_id == julie.id
    assert [type(blocker) for blocker in own.page.blockers] == [EnrollmentNotCompleted, PhotoMissing]

    someone_else = family.open_page(digest(token), cards.association_read(str(leo.id)))
    assert someone_else is not None and someone_else.actor.account_id == account.id
    assert someone_else.page is None
