"""What /inscription and /photo ask core: who may open which pupil's form, and the towns of step 2."""

from __future__ import annotations

from cjeune_app.core.accounts.api import open_session
from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.ui.pages import enrollment_flow as flow
from cjeune_app.core.dates import paris_today
from cjeune_app.core.seasons.api import season_code_for
from tests.core.factories import make_pupil, make_school, make_season

SEASON = season_code_for(paris_today())  # the form is always for the season under way


def _token(session, account: Account) -> str:
    account.must_change_password = False
    session.add(account)
    session.flush()
    return open_session(session, account, remember=False)


def _parent(session, email: str, *pupils: Pupil) -> Account:
    parent = Account(role=Role.PARENT, login=email, email=email)
    session.add(parent)
    session.flush()
    session.add_all(ParentLink(parent_account_id=parent.id, pupil_id=p.id) for p in pupils)
    return parent


def test_a_pupil_opens_their_own_form_with_their_identity(session):
    make_season(session, SEASON)
    julie, account, _ = make_pupil(session, "Fernandez", "Julie")
    token = _token(session, account)
    session.commit()
    screen = flow.open_enrollment(token, child=str(julie.id + 1000))["screen"]  # `enfant` is for parents
    assert screen["pupil_id"] == julie.id
    assert screen["child"]["first_name"] == "Julie" and screen["child"]["birth_date"] == "14/03/2013"
    assert screen["view"]["current_step"] == 1 and screen["photo"]["label"] == "Photo à ajouter"


def test_a_parent_picks_among_their_children_and_cannot_open_another(session):
    make_season(session, SEASON)
    school = make_school(session)
    lea, _, _ = make_pupil(session, "Martin", "Léa", school=school)
    tom, _, _ = make_pupil(session, "Martin", "Tom", school=school)
    other, _, _ = make_pupil(session, "Durand", "Paul", school=school)
    token = _token(session, _parent(session, "sofia.martin@exemple.fr", lea, tom))
    session.commit()
    assert flow.open_enrollment(token, None)["choose"] == [
        {"id": str(lea.id), "name": "Léa Martin"}, {"id": str(tom.id), "name": "Tom Martin"}]
    assert flow.open_enrollment(token, str(tom.id))["screen"]["child"]["first_name"] == "Tom"
    refused = flow.open_enrollment(token, str(other.id))
    assert refused == {"refused": flow.CHILD_NOT_FOUND, "sign_in": False}
    assert flow.save(token, other.id, SEASON, 1, {})["refused"] == flow.CHILD_NOT_FOUND
    assert flow.open_photo(token, str(other.id))["refused"] == flow.CHILD_NOT_FOUND


def test_other_accounts_are_refused_and_a_lost_session_goes_to_the_sign_in_page(session):
    make_season(session, SEASON)
    agent = Account(role=Role.AGENT, login="agent@exemple.fr")
    session.add(agent)
    token = _token(session, agent)
    session.commit()
    assert flow.open_enrollment(token, None) == {"refused": flow.NOT_FOR_THIS_ACCOUNT, "sign_in": False}
    assert flow.open_enrollment("expired", None) == {"refused": "", "sign_in": True}


def test_without_an_open_season_the_form_says_when_to_come_back(session):
    _, account, _ = make_pupil(session)
    token = _token(session, account)
    session.commit()
    assert flow.open_enrollment(token, None)["refused"].startswith("Les inscriptions pour cette année")


def test_saving_goes_through_core_and_keeps_the_draft(session):
    make_season(session, SEASON)
    julie, account, _ = make_pupil(session)
    token = _token(session, account)
    session.commit()
    wrong = flow.save(token, julie.id, SEASON, 1, {"guardian_last_name": "Fernandez2",
                                                       "guardian_first_name": "Ana"})
    assert list(wrong["errors"]) == ["guardian_last_name"] and wrong["step"] == 1
    saved = flow.save(token, julie.id, SEASON, 1, {"guardian_last_name": "Fernandez",
                                                       "guardian_first_name": "Ana"})
    assert saved["errors"] == {} and saved["step"] == 2
    reopened = flow.open_enrollment(token, None)["screen"]["view"]
    assert reopened["current_step"] == 2 and reopened["values"]["guardian_first_name"] == "Ana"
    assert flow.back(token, julie.id, SEASON, 2, None) == {"step": 1}


def test_towns_behind_a_postal_code():
    assert [o["name"] for o in flow.communes_for_code("13090")] == ["Aix-en-Provence"]
    shared = {o["name"] for o in flow.communes_for_code("13100")}
    assert {"Aix-en-Provence", "Le Tholonet", "Beaurecueil"} <= shared
    # Marseille's arrondissement rather than the whole city
    assert [(o["insee"], o["postal_code"]) for o in flow.communes_for_code("13001")] == [("13201", "13001")]
    assert flow.communes_for_code("83000") == []


def test_typing_aix_offers_aix_en_provence_first():
    assert flow.communes_matching("aix")[0]["label"].startswith("Aix-en-Provence (")


def test_a_town_typed_without_picking_it():
    assert flow.resolve_commune("aix en provence", "13100") == "13001"
    assert flow.resolve_commune("Marseille 1er arrondissement", "13001") == "13201"
    assert flow.resolve_commune("Aix", "") == ""  # close to a commune of the 13: pick it in the list
    assert flow.resolve_commune("Toulon", "83000") == flow.NOT_A_COMMUNE_OF_THE_13
    assert flow.resolve_commune("", "13100") == ""


def test_the_photo_summary_points_at_the_authenticated_route(session):
    from cjeune_app.core.photos.api import submit_photo
    from tests.api.test_photo_routes import jpeg

    julie, _, _ = make_pupil(session)
    photo = submit_photo(session, julie.id, jpeg(), None)
    assert flow.photo_summary(session, julie.id) == {
        "state": "pending", "label": "Photo en cours de vérification", "reason": "",
        "url": f"/api/v1/photos/{photo.id}"}
