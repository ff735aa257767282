"""The stepper's operations on real databases (SQLite file and PostgreSQL).

Each call runs in its own `session_scope()`, as each "Suivant" does in the app: a new session
is what another device, or the same device after a restart, gets.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from types import SimpleNamespace

import pytest
from sqlmodel import select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.pupils import create_pupil_with_account
from cjeune_app.core.checksums import uai_key
from cjeune_app.core.db import get_engine, session_scope
from cjeune_app.core.demo import DEMO_SCHOOLS, seed_demo
from cjeune_app.core.enrollment import api
from cjeune_app.core.enrollment.errors import PupilNotFound, SeasonNotFound
from cjeune_app.core.enrollment.models import ConsentRecord, Enrollment
from cjeune_app.core.enrollment.wording import ATTESTATION_LABEL, OPTIN_EMAIL_LABEL, OPTIN_SMS_LABEL
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Establishment
from cjeune_app.core.seasons.api import get_or_create_season
from cjeune_app.core.seasons.models import Season

SEASON = "2026-2027"
LAST_SEASON = "2025-2026"
SEED_OUTSIDE = (
    "La carte CJeune de Provence s'adresse uniquement aux collégiens domiciliés et scolarisés "
    "dans le département des Bouches-du-Rhône."
)
T0 = dt.datetime(2026, 9, 14, 18, 30, tzinfo=dt.UTC)

STEP1 = {"guardian_last_name": "Fernandez", "guardian_first_name": "Sophie"}
STEP2 = {
    "address_line": "12 rue de la République",
    "address_complement": "Bâtiment B",
    "postal_code": "13100",
    "commune_insee": "13001",
    "email": "Sophie.Fernandez@exemple.fr",
    "email_confirmation": "sophie.fernandez@exemple.fr",
    "mobile": "06 12 34 56 78",
    "optin_email": True,
    "optin_sms": False,
}


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


@pytest.fixture
def world(session):
    """A demo school, one pupil with her Eduprovence account, this season and the last one."""
    digits, name, kind, insee = DEMO_SCHOOLS[0]
    school = Establishment(uai=digits + uai_key(digits), name=name, kind=kind, commune_insee=insee)
    session.add(school)
    session.flush()
    pupil, _, _ = create_pupil_with_account(
        session, school, "Fernandez", "Julie", dt.date(2013, 3, 14), "5e B", "Provence13a")
    get_or_create_season(session, SEASON)
    get_or_create_season(session, LAST_SEASON)
    session.commit()
    return SimpleNamespace(pupil_id=pupil.id, school_name=name)


def call(operation, *args, **kwargs):
    """One request: its own session and transaction, committed at the end."""
    with session_scope() as s:
        return operation(s, *args, **kwargs)


def stored(pupil_id: int, season: str = SEASON) -> Enrollment | None:
    """The row as the database holds it, read in a fresh session."""
    with session_scope(read_only=True) as s:
        return s.exec(
            select(Enrollment).join(Season, Season.id == Enrollment.season_id)
            .where(Enrollment.pupil_id == pupil_id, Season.code == season)
        ).first()


def consents(pupil_id: int, season: str = SEASON) -> list[ConsentRecord]:
    return call(api.consent_history, pupil_id, season)


def fill_and_complete(pupil_id, season=SEASON, step2=None, start=0):
    call(api.start_or_resume, pupil_id, season, now=at(start))
    assert call(api.save_step, pupil_id, season, 1, STEP1, now=at(start + 1)).ok
    assert call(api.save_step, pupil_id, season, 2, step2 or STEP2, now=at(start + 2)).ok
    assert call(api.save_step, pupil_id, season, 3, {}, now=at(start + 3)).ok
    result = call(api.complete, pupil_id, season, True, now=at(start + 4))
    assert result.ok, result.errors
    return result


# --- a first enrollment, start to end -----------------------------------------------------------

def test_first_enrollment_walks_the_four_steps_and_records_what_the_law_needs(world):
    view = call(api.start_or_resume, world.pupil_id, SEASON, now=at(0))
    assert (view.status, view.current_step, view.step_label, view.is_renewal) == ("draft", 1, "Étape 1 sur 4", False)
    assert view.values["optin_email"] is False and view.values["optin_sms"] is False
    assert view.values["guardian_last_name"] == "" and view.values["email"] == ""

    identity = call(api.pupil_identity, world.pupil_id)
    assert (identity.last_name, identity.first_name, identity.birth_date_text, identity.establishment_name,
            identity.class_name) == ("Fernandez", "Julie", "14/03/2013", world.school_name, "5e B")

    first = call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(1))
    assert first.ok and first.step == 2 and first.view.step_label == "Étape 2 sur 4"
    second = call(api.save_step, world.pupil_id, SEASON, 2, STEP2, now=at(2))
    assert second.ok and second.view.current_step == 3
    assert second.view.values["mobile"] == "+33 6 12 34 56 78"
    assert second.view.commune_name == "Aix-en-Provence"
    third = call(api.save_step, world.pupil_id, SEASON, 3, {}, now=at(3))  # no photo: allowed
    assert third.ok and third.view.current_step == 4
    assert call(api.enrollment_status, world.pupil_id, SEASON).label == "à compléter"

    done = call(api.save_step, world.pupil_id, SEASON, 4, {"attested": True}, now=at(4))
    assert done.ok and done.view.is_completed and done.view.status_label == "complète"
    json.dumps(done.view.as_dict())  # fits in a Reflex state

    row = stored(world.pupil_id)
    assert row.status == "completed" and row.completed_at == at(4) and row.attested_at == at(4)
    assert (row.guardian_last_name, row.email, row.mobile, row.postal_code, row.commune_insee) == (
        "Fernandez", "sophie.fernandez@exemple.fr", "+33612345678", "13100", "13001")
    assert row.optin_email is True and row.optin_email_at == at(4)
    assert row.optin_sms is False and row.optin_sms_at == at(4)  # a refusal is a choice too

    records = {r.kind: r for r in consents(world.pupil_id)}
    assert set(records) == {"attestation", "optin_email", "optin_sms"}
    assert (records["attestation"].value, records["attestation"].wording, records["attestation"].recorded_at) == (
        True, ATTESTATION_LABEL, at(4))
    assert (records["optin_email"].value, records["optin_email"].contact, records["optin_email"].wording) == (
        True, "sophie.fernandez@exemple.fr", OPTIN_EMAIL_LABEL)
    assert (records["optin_sms"].value, records["optin_sms"].wording) == (False, OPTIN_SMS_LABEL)

    summary = call(api.enrollment_status, world.pupil_id, SEASON)
    assert (summary.status, summary.label, summary.completed_at) == ("completed", "complète", at(4))


def test_a_demo_pupil_can_enroll(db_url):
    with session_scope() as s:
        seed_demo(s)
    with session_scope() as s:
        paul = s.exec(select(Account).where(Account.login == "durandp@eduprovence.fr")).one()
        pupil_id = paul.pupil_id
    result = fill_and_complete(pupil_id, step2={**STEP2, "postal_code": "13001", "commune_insee": "13201"})
    assert result.view.commune_name == "Marseille 1er Arrondissement"
    assert call(api.pupil_identity, pupil_id).establishment_name == "Collège du Vieux-Port"


# --- drafts -------------------------------------------------------------------------------------

def test_a_draft_resumes_at_the_same_step_with_the_same_values_on_another_device(world):
    call(api.start_or_resume, world.pupil_id, SEASON, now=at(0))
    call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(1))
    call(api.save_step, world.pupil_id, SEASON, 2, STEP2, now=at(2))
    get_engine().dispose()  # as after a server restart: no connection survives

    resumed = call(api.start_or_resume, world.pupil_id, SEASON, now=at(60))
    assert resumed.current_step == 3 and resumed.status == "draft"
    assert resumed.values == {
        "guardian_last_name": "Fernandez", "guardian_first_name": "Sophie",
        "address_line": "12 rue de la République", "address_complement": "Bâtiment B",
        "postal_code": "13100", "commune_insee": "13001",
        "email": "sophie.fernandez@exemple.fr", "email_confirmation": "sophie.fernandez@exemple.fr",
        "mobile": "+33 6 12 34 56 78", "optin_email": True, "optin_sms": False, "attested": False,
    }
    with session_scope(read_only=True) as s:
        assert len(s.exec(select(Enrollment)).all()) == 1  # resumed, not duplicated


def test_a_draft_box_is_not_yet_a_consent(world):
    call(api.start_or_resume, world.pupil_id, SEASON, now=at(0))
    call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(1))
    call(api.save_step, world.pupil_id, SEASON, 2, STEP2, now=at(2))
    row = stored(world.pupil_id)
    assert row.optin_email is True and row.optin_email_at is None
    assert consents(world.pupil_id) == []


def test_errors_save_nothing_and_come_back_field_by_field(world):
    call(api.start_or_resume, world.pupil_id, SEASON, now=at(0))
    call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(1))
    before = stored(world.pupil_id)

    bad = {**STEP2, "email": "sophie@exemple", "email_confirmation": "sophie@exemple", "mobile": "04 91 00 00 00"}
    result = call(api.save_step, world.pupil_id, SEASON, 2, bad, now=at(2))
    assert not result.ok and result.step == 2
    assert list(result.errors) == ["email", "mobile"] and result.first_error_field == "email"
    assert "Saisissez l'adresse e-mail sous la forme nom@exemple.fr" in result.errors["email"]
    assert result.view.values["address_line"] == ""  # the valid fields were not stored either

    renamed = call(api.save_step, world.pupil_id, SEASON, 1, {**STEP1, "guardian_last_name": "Fern4ndez"}, now=at(3))
    assert list(renamed.errors) == ["guardian_last_name"]
    assert renamed.view.values["guardian_last_name"] == "Fernandez"

    after = stored(world.pupil_id)
    assert after.model_dump() == before.model_dump()  # not a single column moved


def test_previous_keeps_every_saved_value(world):
    call(api.start_or_resume, world.pupil_id, SEASON, now=at(0))
    call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(1))
    call(api.save_step, world.pupil_id, SEASON, 2, STEP2, now=at(2))

    back = call(api.go_back, world.pupil_id, SEASON, now=at(3))
    assert back.current_step == 2 and back.values["email"] == "sophie.fernandez@exemple.fr"
    back = call(api.go_back, world.pupil_id, SEASON, now=at(4))
    assert back.current_step == 1 and back.values["guardian_first_name"] == "Sophie"
    assert back.values["address_line"] == "12 rue de la République"
    assert call(api.go_back, world.pupil_id, SEASON, now=at(5)).current_step == 1  # "Bienvenue" is the UI's
    forward = call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(6))
    assert forward.view.current_step == 2 and forward.view.values["postal_code"] == "13100"


def test_previous_stores_what_was_typed_when_it_is_valid_and_nothing_when_it_is_not(world):
    call(api.start_or_resume, world.pupil_id, SEASON, now=at(0))
    call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(1))
    call(api.save_step, world.pupil_id, SEASON, 2, STEP2, now=at(2))
    call(api.go_back, world.pupil_id, SEASON, now=at(3))  # on step 2 again

    typed = {**STEP2, "address_line": "14 rue de la République"}
    view = call(api.go_back, world.pupil_id, SEASON, typed, from_step=2, now=at(4))
    assert view.current_step == 1 and view.values["address_line"] == "14 rue de la République"

    half_typed = {**STEP2, "address_line": "16 rue de la République", "email_confirmation": ""}
    call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(5))
    view = call(api.go_back, world.pupil_id, SEASON, half_typed, from_step=2, now=at(6))
    assert view.current_step == 1 and view.values["address_line"] == "14 rue de la République"


# --- residence ----------------------------------------------------------------------------------

def test_riboux_in_the_var_is_refused_even_with_postal_code_13780(world):
    call(api.start_or_resume, world.pupil_id, SEASON, now=at(0))
    call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(1))
    result = call(api.save_step, world.pupil_id, SEASON, 2,
                  {**STEP2, "postal_code": "13780", "commune_insee": "83104"}, now=at(2))
    assert result.errors == {"commune_insee": SEED_OUTSIDE}
    assert result.view.current_step == 2 and stored(world.pupil_id).commune_insee == ""

    cuges = call(api.save_step, world.pupil_id, SEASON, 2,
                 {**STEP2, "postal_code": "13780", "commune_insee": "13030"}, now=at(3))
    assert cuges.ok and cuges.view.commune_name == "Cuges-les-Pins"


def test_a_postal_code_of_another_commune_is_refused(world):
    call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(1))
    result = call(api.save_step, world.pupil_id, SEASON, 2, {**STEP2, "postal_code": "13200"}, now=at(2))
    assert list(result.errors) == ["postal_code"]
    assert result.errors["postal_code"].startswith("Le code postal 13200 ne correspond pas à Aix-en-Provence")
    assert stored(world.pupil_id).postal_code == ""


def test_the_email_of_a_non_parent_account_is_refused(world):
    with session_scope() as s:
        s.add(Account(role=Role.YOUTH, login="lea.martin@exemple.fr", email="lea.martin@exemple.fr"))
        s.add(Account(role=Role.PARENT, login="sophie.fernandez@exemple.fr", email="sophie.fernandez@exemple.fr"))
    taken = {**STEP2, "email": "Lea.Martin@exemple.fr", "email_confirmation": "lea.martin@exemple.fr"}
    result = call(api.save_step, world.pupil_id, SEASON, 2, taken, now=at(2))
    assert result.errors == {"email": api.EMAIL_OF_ANOTHER_ACCOUNT}
    assert call(api.save_step, world.pupil_id, SEASON, 2, STEP2, now=at(3)).ok  # a parent's: fine


# --- renewal ------------------------------------------------------------------------------------

def test_a_renewal_is_prefilled_from_last_season_with_the_boxes_unticked(world):
    fill_and_complete(world.pupil_id, LAST_SEASON, step2={**STEP2, "optin_sms": True})
    assert call(api.enrollment_status, world.pupil_id, SEASON).renewal_due is True

    view = call(api.start_or_resume, world.pupil_id, SEASON, now=at(500))
    assert view.is_renewal and view.status == "draft" and view.current_step == 1
    assert view.values["guardian_last_name"] == "Fernandez"
    assert view.values["address_line"] == "12 rue de la République"
    assert view.values["email"] == view.values["email_confirmation"] == "sophie.fernandez@exemple.fr"
    assert view.values["mobile"] == "+33 6 12 34 56 78"
    assert view.values["optin_email"] is False and view.values["optin_sms"] is False

    # the parent confirms each step as it is, ticks nothing: the renewal completes
    assert call(api.save_step, world.pupil_id, SEASON, 1, view.values, now=at(501)).ok
    assert call(api.save_step, world.pupil_id, SEASON, 2, view.values, now=at(502)).ok
    assert call(api.save_step, world.pupil_id, SEASON, 3, {}, now=at(503)).ok
    assert call(api.complete, world.pupil_id, SEASON, True, now=at(504)).ok
    summary = call(api.enrollment_status, world.pupil_id, SEASON)
    assert summary.is_renewal and summary.label == "complète" and not summary.renewal_due
    assert stored(world.pupil_id, LAST_SEASON).completed_at == at(4)  # last season untouched
    assert {(r.kind, r.value) for r in consents(world.pupil_id)} == {
        ("attestation", True), ("optin_email", False), ("optin_sms", False)}


def test_an_unfinished_draft_of_last_season_is_not_a_renewal(world):
    call(api.save_step, world.pupil_id, LAST_SEASON, 1, STEP1, now=at(0))
    view = call(api.start_or_resume, world.pupil_id, SEASON, now=at(1))
    assert not view.is_renewal and view.values["guardian_last_name"] == ""
    summary = call(api.enrollment_status, world.pupil_id, SEASON)
    assert (summary.status, summary.label, summary.renewal_due) == ("draft", "à compléter", False)


def test_a_pupil_never_seen_this_season_is_to_complete(world):
    summary = call(api.enrollment_status, world.pupil_id, SEASON)
    assert (summary.status, summary.label, summary.current_step) == ("not_started", "à compléter", 1)
    assert stored(world.pupil_id) is None  # looking does not create a draft


# --- completion ---------------------------------------------------------------------------------

def test_opt_ins_left_unticked_are_recorded_as_refusals_with_their_time(world):
    fill_and_complete(world.pupil_id, step2={k: v for k, v in STEP2.items() if not k.startswith("optin")})
    row = stored(world.pupil_id)
    assert (row.optin_email, row.optin_sms) == (False, False)
    assert row.optin_email_at == row.optin_sms_at == at(4)
    assert {(r.kind, r.value, r.recorded_at) for r in consents(world.pupil_id)} == {
        ("attestation", True, at(4)), ("optin_email", False, at(4)), ("optin_sms", False, at(4))}


def test_terminer_without_the_attestation_box_completes_nothing(world):
    call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(1))
    call(api.save_step, world.pupil_id, SEASON, 2, STEP2, now=at(2))
    result = call(api.complete, world.pupil_id, SEASON, False, now=at(3))
    assert list(result.errors) == ["attested"] and result.step == 4
    assert stored(world.pupil_id).status == "draft" and consents(world.pupil_id) == []


def test_terminer_with_a_skipped_step_sends_back_to_it(world):
    call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(1))
    result = call(api.complete, world.pupil_id, SEASON, True, now=at(2))
    assert result.step == 2 and result.first_error_field == "address_line"
    assert stored(world.pupil_id).status == "draft"


def test_completing_twice_is_harmless(world, monkeypatch):
    completed = []
    monkeypatch.setattr(api, "on_enrollment_completed",
                        lambda session, enrollment, now: completed.append((enrollment.pupil_id, now)))
    fill_and_complete(world.pupil_id)
    again = call(api.complete, world.pupil_id, SEASON, True, now=at(90))
    also = call(api.save_step, world.pupil_id, SEASON, 4, {"attested": False}, now=at(91))
    assert again.ok and also.ok and again.view.completed_at == at(4)
    assert completed == [(world.pupil_id, at(4))]  # the Parent account is handled once
    assert len(consents(world.pupil_id)) == 3
    assert stored(world.pupil_id).attested_at == at(4)


def test_a_failing_completion_hook_rolls_the_completion_back(world, monkeypatch):
    def refuse(session, enrollment, now):
        raise RuntimeError("accounts refused")

    monkeypatch.setattr(api, "on_enrollment_completed", refuse)
    call(api.save_step, world.pupil_id, SEASON, 1, STEP1, now=at(1))
    call(api.save_step, world.pupil_id, SEASON, 2, STEP2, now=at(2))
    with pytest.raises(RuntimeError):
        call(api.complete, world.pupil_id, SEASON, True, now=at(3))
    assert stored(world.pupil_id).status == "draft" and consents(world.pupil_id) == []


def test_changing_an_opt_in_after_completion_appends_a_new_proof(world):
    fill_and_complete(world.pupil_id)  # e-mail news accepted at minute 4
    result = call(api.save_step, world.pupil_id, SEASON, 2, {**STEP2, "optin_email": False}, now=at(30))
    assert result.ok and result.view.is_completed
    history = [(r.kind, r.value, r.recorded_at) for r in consents(world.pupil_id) if r.kind == "optin_email"]
    assert history == [("optin_email", True, at(4)), ("optin_email", False, at(30))]
    assert stored(world.pupil_id).optin_email_at == at(30)

    call(api.save_step, world.pupil_id, SEASON, 2, {**STEP2, "optin_email": False}, now=at(31))
    assert len(consents(world.pupil_id)) == 4  # the same answer again proves nothing new


# --- robustness ---------------------------------------------------------------------------------

def test_two_devices_opening_the_form_at_once_share_one_draft(world):
    barrier = threading.Barrier(2)
    views, failures = [], []

    def open_form():
        try:
            with session_scope() as s:
                barrier.wait(timeout=10)
                views.append(api.start_or_resume(s, world.pupil_id, SEASON))
        except Exception as error:  # reported below, with its type
            failures.append(error)

    threads = [threading.Thread(target=open_form) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == [] and len(views) == 2
    with session_scope(read_only=True) as s:
        assert len(s.exec(select(Enrollment)).all()) == 1


def test_unknown_pupil_or_season_are_refused_in_french(world):
    with pytest.raises(PupilNotFound) as missing_pupil:
        call(api.start_or_resume, 999_999, SEASON)
    assert "établissement" in missing_pupil.value.message
    with pytest.raises(SeasonNotFound):
        call(api.start_or_resume, world.pupil_id, "2030-2031")
    with pytest.raises(ValueError):
        call(api.save_step, world.pupil_id, SEASON, 0, {})


def test_completion_creates_the_parent_account_and_mails_its_activation_link(world, monkeypatch):
    from cjeune_app.core.accounts.parents import children_of
    from tests.support.mail import Outbox, links_in

    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    fill_and_complete(world.pupil_id)
    with session_scope(read_only=True) as s:
        parent = s.exec(select(Account).where(Account.login == "sophie.fernandez@exemple.fr")).one()
        assert parent.role == Role.PARENT and parent.password_hash is None
        assert [p.id for p in children_of(s, parent)] == [world.pupil_id]
    mails = Outbox().messages(to="sophie.fernandez@exemple.fr")
    assert len(mails) == 1 and any("jeton=" in link for link in links_in(mails[0]))
