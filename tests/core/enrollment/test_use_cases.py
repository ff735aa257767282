"""What /inscription and /photo ask core: who may open which pupil's form, and the towns of step 2."""

from __future__ import annotations

import pytest

from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.dates import paris_today
from cjeune_app.core.enrollment.communes import communes_for_code, communes_matching, resolve_commune
from cjeune_app.core.enrollment.errors import ChildNotFound, NotAFamilyAccount, SeasonNotFound
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import NotSignedIn
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.photos.api import submit_photo
from cjeune_app.core.seasons.api import season_code_for
from cjeune_app.core.use_cases import enrollment as flow
from cjeune_app.core.use_cases import photos
from cjeune_app.core.use_cases.family_child import ChildChoice
from cjeune_app.core.use_cases.sessions import actor_of
from tests.core.factories import make_pupil, make_school, make_season
from tests.core.photos.builders import jpeg

SEASON = season_code_for(paris_today())  # the form is always for the season under way


def _actor(session, account: Account):
    session.add(account)
    session.flush()
    return actor_of(session, account)


def _parent(session, email: str, *pupils: Pupil) -> Account:
    parent = Account(role=Role.PARENT, login=email, email=email)
    session.add(parent)
    session.flush()
    session.add_all(ParentLink(parent_account_id=parent.id, pupil_id=p.id) for p in pupils)
    return parent


def test_a_pupil_opens_their_own_form_with_their_identity(session):
    make_season(session, SEASON)
    julie, account, _ = make_pupil(session, "Fernandez", "Julie")
    actor = _actor(session, account)
    session.commit()
    screen = flow.open_enrollment(actor, child=str(julie.id + 1000)).screen  # `enfant` is for parents
    assert screen.pupil_id == julie.id
    assert screen.child.first_name == "Julie" and screen.child.birth_date == "14/03/2013"
    assert screen.view.current_step == 1 and screen.photo.label == "Photo à ajouter"
    assert screen.advantages == "150 €"


def test_a_parent_picks_among_their_children_and_cannot_open_another(session):
    make_season(session, SEASON)
    school = make_school(session)
    lea, _, _ = make_pupil(session, "Martin", "Léa", school=school)
    tom, _, _ = make_pupil(session, "Martin", "Tom", school=school)
    other, _, _ = make_pupil(session, "Durand", "Paul", school=school)
    actor = _actor(session, _parent(session, "sofia.martin@exemple.fr", lea, tom))
    session.commit()
    assert flow.open_enrollment(actor, None).children == (
        ChildChoice(lea.id, "Léa Martin"), ChildChoice(tom.id, "Tom Martin"))
    assert flow.open_enrollment(actor, str(tom.id)).screen.child.first_name == "Tom"
    with pytest.raises(ChildNotFound) as refused:
        flow.open_enrollment(actor, str(other.id))
    assert refused.value.message == "Nous ne trouvons pas cet enfant parmi ceux rattachés à votre compte Parent."
    with pytest.raises(ChildNotFound):
        flow.save_step(actor, other.id, SEASON, 1, {})
    with pytest.raises(ChildNotFound):
        photos.open_photo_page(actor, str(other.id))


def test_other_accounts_are_refused_and_a_lost_session_goes_to_the_sign_in_page(session):
    make_season(session, SEASON)
    agent = _actor(session, Account(role=Role.AGENT, login="agent@exemple.fr"))
    session.commit()
    with pytest.raises(NotAFamilyAccount) as refused:
        flow.open_enrollment(agent, None)
    assert refused.value.message.startswith("L'inscription se fait avec le compte Eduprovence du collégien")
    with pytest.raises(NotSignedIn):
        flow.open_enrollment(None, None)


def test_without_an_open_season_the_form_says_when_to_come_back(session):
    _, account, _ = make_pupil(session)
    actor = _actor(session, account)
    session.commit()
    with pytest.raises(SeasonNotFound) as refused:
        flow.open_enrollment(actor, None)
    assert refused.value.message.startswith("Les inscriptions pour cette année")


def test_saving_goes_through_core_and_keeps_the_draft(session):
    make_season(session, SEASON)
    julie, account, _ = make_pupil(session)
    actor = _actor(session, account)
    session.commit()
    wrong = flow.save_step(actor, julie.id, SEASON, 1, {"guardian_last_name": "Fernandez2",
                                                        "guardian_first_name": "Ana"})
    assert list(wrong.errors) == ["guardian_last_name"] and wrong.step == 1
    saved = flow.save_step(actor, julie.id, SEASON, 1, {"guardian_last_name": "Fernandez",
                                                        "guardian_first_name": "Ana"})
    assert saved.errors == {} and saved.step == 2
    reopened = flow.open_enrollment(actor, None).screen.view
    assert reopened.current_step == 2 and reopened.values["guardian_first_name"] == "Ana"
    assert flow.go_back(actor, julie.id, SEASON, 2, None) == 1


def test_towns_behind_a_postal_code():
    assert [o.name for o in communes_for_code("13090")] == ["Aix-en-Provence"]
    shared = {o.name for o in communes_for_code("13100")}
    assert {"Aix-en-Provence", "Le Tholonet", "Beaurecueil"} <= shared
    # Marseille's arrondissement rather than the whole city
    assert [(o.insee, o.postal_code) for o in communes_for_code("13001")] == [("13201", "13001")]
    assert communes_for_code("83000") == []
    assert flow.towns_for_postal_code("130") == []  # not a whole postal code yet


def test_typing_aix_offers_aix_en_provence_first():
    assert communes_matching("aix")[0].label.startswith("Aix-en-Provence (")


def test_a_town_typed_without_picking_it():
    assert resolve_commune("aix en provence", "13100").insee == "13001"
    assert resolve_commune("Marseille 1er arrondissement", "13001").insee == "13201"
    assert resolve_commune("Aix", "").insee == ""  # close to a commune of the 13: pick it in the list
    assert resolve_commune("Aix", "").in_department
    assert not resolve_commune("Toulon", "83000").in_department
    assert resolve_commune("", "13100").insee == ""


def test_the_photo_summary_points_at_the_authenticated_route(session):
    julie, _, _ = make_pupil(session)
    photo = submit_photo(session, julie.id, jpeg(), None)
    summary = photos.photo_summary(session, julie.id)
    assert (summary.state, summary.label, summary.reason, summary.url) == (
        "pending", "Photo en cours de vérification", "", f"/api/v1/photos/{photo.id}")


def test_finishing_needs_the_attestation_and_the_earlier_steps(session):
    make_season(session, SEASON)
    julie, account, _ = make_pupil(session)
    actor = _actor(session, account)
    session.commit()
    early = flow.finish(actor, julie.id, SEASON, True)
    assert not early.completed and early.step == 1 and "guardian_last_name" in early.errors
    flow.save_step(actor, julie.id, SEASON, 1, {"guardian_last_name": "Fernandez", "guardian_first_name": "Ana"})
    unticked = flow.finish(actor, julie.id, SEASON, False)
    assert not unticked.completed and list(unticked.errors) == ["attested"] and unticked.step == 4


def test_suivant_reads_nothing_twice(session, db_url):
    """A step's save reads the season, the pupil and the draft once each: the child's identity, school,
    photo and the season's amounts on the screen cannot change with a step, so they are not read again."""
    import collections
    import re

    import sqlalchemy as sa

    from cjeune_app.core.db import engine_for

    make_season(session, SEASON)
    julie, account, _ = make_pupil(session)
    actor = _actor(session, account)
    session.commit()
    flow.save_step(actor, julie.id, SEASON, 1, {"guardian_last_name": "Fernandez", "guardian_first_name": "Ana"})
    reads: collections.Counter[str] = collections.Counter()
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)
        if statement.lstrip().upper().startswith("SELECT"):
            reads.update(set(re.findall(r"\bFROM (\w+)", statement)))

    engine = engine_for(db_url)
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        saved = flow.save_step(actor, julie.id, SEASON, 1, {"guardian_last_name": "Fernandez",
                                                            "guardian_first_name": "Anna"})
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert saved.ok and saved.view.values["guardian_first_name"] == "Anna"
    assert all(count == 1 for table, count in reads.items() if table in {"season", "pupil", "establishment", "photo"}), reads
    assert "establishment" not in reads and "photo" not in reads
    statements.clear()
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        flow.save_step(actor, julie.id, SEASON, 1, {"guardian_last_name": "Fernandez", "guardian_first_name": "Anna"})
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    assert not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]  # nothing changed

