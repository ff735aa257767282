"""Téléservices in core: the campaign window in Paris time (edges, daylight-saving change), the
school's opening, the barème, one request per child and year, isolation between schools."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cjeune_app.core.teleservices import avis
from cjeune_app.core.teleservices.bareme import BAREMES, bareme_for, echelon_for, estimate
from cjeune_app.core.teleservices.errors import (
    AvisRefused,
    RequestAlreadySent,
    RequestNotFound,
    ServiceClosed,
    ServiceNotClosable,
)
from cjeune_app.core.teleservices.models import BourseRequest, RequestStatus
from cjeune_app.core.use_cases import teleservices as tele
from tests.core.factories import make_school
from tests.core.photos.builders import jpeg, png
from tests.core.teleservices.builders import HOUSEHOLD, RESOURCES, agent, parent_with_child, paris, staff_of

BOURSE = "bourse_college"
SEPTEMBER = paris(2026, 9, 10)


def _world(session, opened: bool = True):
    school = make_school(session)
    staff = staff_of(session, school)
    parent, child = parent_with_child(session, school)
    session.commit()
    if opened:
        tele.set_school_service(staff, BOURSE, True, now=SEPTEMBER)
    return school, staff, parent, child


def _fill(parent, child, now=SEPTEMBER):
    tele.open_bourse(parent, str(child.id), now=now)
    assert tele.save_bourse_step(parent, child.id, 1, HOUSEHOLD, now=now).errors == {}
    return tele.save_bourse_step(parent, child.id, 2, RESOURCES, now=now)


def test_the_last_day_is_accepted_until_235959_paris_and_refused_at_midnight_with_the_dates(session):
    _school, _staff, parent, child = _world(session)
    _fill(parent, child)
    with pytest.raises(ServiceClosed) as closed:
        tele.send_bourse(parent, child.id, True, now=paris(2026, 10, 22, 0, 0, 0))
    assert "du 01/09/2026 au 21/10/2026" in closed.value.message
    with pytest.raises(ServiceClosed):
        tele.open_bourse(parent, str(child.id), now=paris(2026, 10, 22, 0, 0, 0))
    with pytest.raises(ServiceClosed):
        tele.save_bourse_step(parent, child.id, 1, HOUSEHOLD, now=paris(2026, 10, 22, 0, 0, 0))
    with pytest.raises(ServiceClosed):
        tele.open_bourse(parent, str(child.id), now=paris(2026, 8, 31, 23, 59, 59))
    screen = tele.send_bourse(parent, child.id, True, now=paris(2026, 10, 21, 23, 59, 59))
    assert screen.status is RequestStatus.TO_INSTRUCT and screen.reference.startswith("BC-2026-")
    assert screen.sent_on == "21/10/2026 à 23 h 59"


def test_the_window_follows_paris_time_across_the_daylight_saving_change(session):
    """Summer (UTC+2) on 21 October, winter (UTC+1) after 25 October 2026: the same wall clock."""
    import datetime as dt
    _school, _staff, parent, child = _world(session)
    _fill(parent, child)
    utc = dt.UTC
    assert tele.open_bourse(parent, str(child.id), now=dt.datetime(2026, 10, 21, 21, 59, 59, tzinfo=utc)).screen
    with pytest.raises(ServiceClosed):
        tele.open_bourse(parent, str(child.id), now=dt.datetime(2026, 10, 21, 22, 0, 0, tzinfo=utc))
    # The Département moves the end after the change of time: 31 October ends at 23:00 UTC.
    tele.set_campaign_window(agent_of(session), BOURSE, "2026-2027", "01/09/2026", "31/10/2026")
    assert tele.open_bourse(parent, str(child.id), now=dt.datetime(2026, 10, 31, 22, 30, 0, tzinfo=utc)).screen
    assert tele.open_bourse(parent, str(child.id), now=dt.datetime(2026, 10, 31, 22, 59, 59, tzinfo=utc)).screen
    with pytest.raises(ServiceClosed) as closed:
        tele.open_bourse(parent, str(child.id), now=dt.datetime(2026, 10, 31, 23, 0, 0, tzinfo=utc))
    assert "du 01/09/2026 au 31/10/2026" in closed.value.message


def agent_of(session):
    actor = agent(session)
    session.commit()
    return actor


def test_a_service_the_school_did_not_open_or_closed_is_refused_as_closed_by_the_school(session):
    _school, staff, parent, child = _world(session, opened=False)
    with pytest.raises(ServiceClosed) as closed:
        tele.open_bourse(parent, str(child.id), now=SEPTEMBER)
    assert "Fermé par l'établissement" in closed.value.message
    tele.set_school_service(staff, BOURSE, True, now=SEPTEMBER)
    _fill(parent, child)
    tele.set_school_service(staff, BOURSE, False, now=SEPTEMBER)
    with pytest.raises(ServiceClosed):
        tele.send_bourse(parent, child.id, True, now=SEPTEMBER)
    lines = {line.view.service: line for line in tele.online_services(parent, now=SEPTEMBER)[0].services}
    assert not lines[BOURSE].view.is_open and lines[BOURSE].href == ""
    assert lines[BOURSE].view.status_text.startswith("Fermé par l'établissement")
    assert lines["fiche_renseignements"].view.is_open and lines["fiche_renseignements"].href
    view = tele.school_teleservices(staff, now=SEPTEMBER).services[1]
    assert view.changed_text.startswith("Fermé par Claire le 10/09/2026")


def test_the_fiche_de_renseignements_cannot_be_closed(session):
    _school, staff, _parent, _child = _world(session, opened=False)
    with pytest.raises(ServiceNotClosable):
        tele.set_school_service(staff, "fiche_renseignements", False, now=SEPTEMBER)


def test_bareme_echelons_at_the_ceilings():
    bareme = BAREMES["2024-2025"]
    assert bareme.source
    assert [echelon_for(bareme, 1, rfr) for rfr in (0, 3_419, 3_420, 9_691, 9_692, 17_927, 17_928)] == [3, 3, 2, 2, 1, 1, 0]
    assert echelon_for(bareme, 12, 46_886) == 1 and echelon_for(bareme, 12, 46_887) == 0  # 8 or more: the last row
    assert echelon_for(bareme, 2, 11_000) == 2
    assert bareme_for("2026-2027") is bareme and bareme_for("2023-2024") is None
    found = estimate("2024-2025", 3, 4_997)
    assert found is not None and (found.echelon, found.yearly_cents) == (3, 49_500)


def test_the_estimate_is_shown_and_the_draft_is_kept_in_the_database(session):
    _school, _staff, parent, child = _world(session)
    saved = _fill(parent, child)
    assert saved.screen.step == 3 and "Échelon 2 estimé" in saved.screen.estimate_text
    assert "315 €" in saved.screen.estimate_text
    again = tele.open_bourse(parent, str(child.id), now=SEPTEMBER).screen  # a new call: what the database kept
    assert (again.step, again.guardians, again.rfr_euros, again.avis_year) == (3, "Sofia Martin", "11000", "2026")
    errors = tele.save_bourse_step(parent, child.id, 2, {"rfr_euros": "beaucoup", "avis_year": "1990"},
                                   now=SEPTEMBER).errors
    assert set(errors) == {"rfr_euros", "avis_year"}


def test_one_request_per_child_and_school_year(session):
    school, staff, parent, child = _world(session)
    _fill(parent, child)
    tele.send_bourse(parent, child.id, True, now=SEPTEMBER)
    with pytest.raises(RequestAlreadySent):
        tele.send_bourse(parent, child.id, True, now=SEPTEMBER)
    with pytest.raises(RequestAlreadySent):
        tele.save_bourse_step(parent, child.id, 1, HOUSEHOLD, now=SEPTEMBER)
    with pytest.raises(RequestAlreadySent):
        tele.record_paper_request(staff, child.id, {**HOUSEHOLD, **RESOURCES}, now=SEPTEMBER)
    session.add(BourseRequest(pupil_id=child.id, establishment_id=school.id, season_code="2026-2027"))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()
    session.rollback()


def test_staff_of_one_school_never_see_nor_decide_another_schools_requests(session):
    _school, staff, parent, child = _world(session)
    other_school = make_school(session)
    other_staff = staff_of(session, other_school, "Marc")
    _other_parent, other_child = parent_with_child(session, other_school)
    session.commit()
    _fill(parent, child)
    tele.send_bourse(parent, child.id, True, now=SEPTEMBER)
    mine = tele.school_teleservices(staff, now=SEPTEMBER).requests
    assert [row.pupil_name for row in mine] == ["Martin Léa"]
    assert tele.school_teleservices(other_staff, now=SEPTEMBER).requests == ()
    with pytest.raises(RequestNotFound):
        tele.decide_bourse(other_staff, mine[0].request_id, tele.Decision.GRANT, "2")
    with pytest.raises(Exception, match="pas inscrit dans votre établissement"):
        tele.record_paper_request(staff, other_child.id, {**HOUSEHOLD, **RESOURCES}, now=SEPTEMBER)
    assert b"Martin" not in tele.export_bourse_csv(other_staff, now=SEPTEMBER).body


def test_the_school_decides_and_the_family_sees_it(session):
    _school, staff, parent, child = _world(session)
    _fill(parent, child)
    tele.send_bourse(parent, child.id, True, now=SEPTEMBER)
    row = tele.school_teleservices(staff, "a_instruire", now=SEPTEMBER).requests[0]
    tele.decide_bourse(staff, row.request_id, tele.Decision.ASK_DOCUMENT, "L'avis d'imposition 2026")
    line = tele.online_services(parent, now=SEPTEMBER)[0].services[1]
    assert line.decision_text == "Document demandé par l'établissement : L'avis d'imposition 2026"
    tele.attach_avis(parent, child.id, b"%PDF-1.4\n%avis\n", now=SEPTEMBER)  # goes back to instruction
    assert tele.school_teleservices(staff, "a_instruire", now=SEPTEMBER).requests[0].has_avis
    granted = tele.decide_bourse(staff, row.request_id, tele.Decision.GRANT, "2")
    assert granted.status is RequestStatus.GRANTED and granted.decided_text.startswith("par Claire le ")
    line = tele.online_services(parent, now=SEPTEMBER)[0].services[1]
    assert line.decision_text == "Bourse accordée : échelon 2 (315 € par an)."
    assert tele.school_teleservices(staff, "accordees", now=SEPTEMBER).requests[0].request_id == row.request_id
    assert tele.school_teleservices(staff, "refusees", now=SEPTEMBER).requests == ()
    assert "Accordée" in tele.export_bourse_csv(staff, now=SEPTEMBER).body.decode("utf-8")
    assert tele.bourse_receipt(parent, child.id).body.startswith(b"%PDF")


def test_a_paper_request_completes_the_list(session):
    _school, staff, _parent, child = _world(session)
    recorded = tele.record_paper_request(staff, child.id, {**HOUSEHOLD, **RESOURCES}, now=SEPTEMBER)
    assert recorded.errors == {} and recorded.row is not None and recorded.row.channel_label == "papier (CERFA)"
    assert recorded.row.estimated_echelon == "2"


def test_the_avis_is_a_pdf_or_a_jpeg_read_from_its_bytes_and_kept_privately(session, tmp_path):
    _school, _staff, parent, child = _world(session)
    tele.open_bourse(parent, str(child.id), now=SEPTEMBER)
    with pytest.raises(AvisRefused):
        tele.attach_avis(parent, child.id, png(), now=SEPTEMBER)
    with pytest.raises(AvisRefused):
        tele.attach_avis(parent, child.id, b"<html>%PDF-</html>", now=SEPTEMBER)
    with pytest.raises(AvisRefused):
        tele.attach_avis(parent, child.id, b"%PDF-" + b"0" * avis.MAX_AVIS_BYTES, now=SEPTEMBER)
    assert tele.attach_avis(parent, child.id, jpeg(), now=SEPTEMBER).avis_attached == "Avis d'imposition joint (JPEG)"
    assert tele.attach_avis(parent, child.id, b"%PDF-1.4\n", now=SEPTEMBER).avis_attached.endswith("(PDF)")
    files = list(avis.avis_directory().iterdir())
    assert len(files) == 1 and files[0].suffix == ".pdf"  # the replaced JPEG is gone
    assert files[0].stat().st_mode & 0o077 == 0


def test_agents_set_the_window_and_see_figures_per_school(session):
    school, staff, parent, child = _world(session)
    _fill(parent, child)
    tele.send_bourse(parent, child.id, True, now=SEPTEMBER)
    screen = tele.admin_teleservices(agent_of(session), "2026-2027")
    bourse = [line for line in screen.catalogue if line.service == BOURSE][0]
    assert bourse.window_text == "du 01/09/2026 au 21/10/2026" and bourse.window_is_default
    figures = [f for f in screen.figures if f.school == school.name][0]
    assert (figures.requests, figures.to_instruct, figures.granted, figures.bourse_open) == (1, 1, 0, True)
    with pytest.raises(Exception, match="jj/mm/aaaa"):
        tele.set_campaign_window(agent_of(session), BOURSE, "2026-2027", "21/10/2026", "01/09/2026")
    with pytest.raises(Exception, match="réservée aux agents"):
        tele.admin_teleservices(staff)


def test_the_demo_opens_the_bourse_in_one_college_and_leaves_it_closed_in_the_other(session):
    import datetime as dt

    from cjeune_app.core.teleservices.demo import seed_teleservices
    from cjeune_app.core.teleservices.windows import service_state
    first, second = make_school(session), make_school(session)
    today = dt.date(2026, 11, 26)  # after 21 October: the demo window reaches 30 days from today
    line = seed_teleservices(session, first, second, today)
    seed_teleservices(session, first, second, today)  # idempotent
    session.commit()
    assert "du 01/09/2026 au 26/12/2026" in line
    noon = paris(2026, 11, 26)
    assert service_state(session, BOURSE, first.id, noon).is_open
    assert not service_state(session, BOURSE, second.id, noon).is_open


def test_the_family_corrects_the_fiche_and_the_staff_see_the_dated_changes(session):
    from cjeune_app.core.guardians.models import Guardian
    school, staff, parent, child = _world(session, opened=False)
    session.add(Guardian(pupil_id=child.id, rank=1, last_name="Martin", first_name="Sofia", relation="mere",
                         mobile="+33612345678", email="sofia@exemple.fr", address="1 rue des Écoles 13100 Aix"))
    session.commit()
    screen = tele.open_fiche(parent, str(child.id), now=SEPTEMBER).screen
    assert screen.fiche.guardians[0].mobile == "06 12 34 56 78"
    refused = tele.save_fiche(parent, child.id, {"child_mobile": "12", "g1_mobile": "06 12 34 56 78",
                                                 "g1_email": "pas-une-adresse", "g1_address": ""}, now=SEPTEMBER)
    assert set(refused.errors) == {"child_mobile", "g1_email"}
    saved = tele.save_fiche(parent, child.id, {"child_mobile": "07 81 22 33 44", "child_email": "",
                                               "g1_mobile": "06 12 34 56 78", "g1_email": "sofia@exemple.fr",
                                               "g1_address": "5 avenue Victor Hugo 13100 Aix"}, now=SEPTEMBER)
    assert saved.errors == {} and saved.screen.fiche.child_mobile == "07 81 22 33 44"
    changes = tele.school_teleservices(staff, now=SEPTEMBER).contact_changes
    assert {(c.subject, c.field, c.new_value) for c in changes} == {
        ("Élève", "Mobile", "07 81 22 33 44"),
        ("Responsable 1 : Sofia Martin", "Adresse", "5 avenue Victor Hugo 13100 Aix")}
    other_staff = staff_of(session, make_school(session), "Marc")
    session.commit()
    assert tele.school_teleservices(other_staff, now=SEPTEMBER).contact_changes == ()


def test_openings_windows_and_decisions_are_in_the_audit_trail_and_the_family_gets_the_mails(session):
    from email.parser import BytesParser
    from email.policy import default

    from sqlmodel import select

    from cjeune_app.core.audit.models import AuditAction, AuditEntry
    from cjeune_app.core.notifications.api import outbox_dir, wait_for_queued_mail
    _school, staff, parent, child = _world(session)
    tele.set_campaign_window(agent_of(session), BOURSE, "2026-2027", "01/09/2026", "21/10/2026")
    _fill(parent, child)
    tele.send_bourse(parent, child.id, True, now=SEPTEMBER)
    row = tele.school_teleservices(staff, now=SEPTEMBER).requests[0]
    tele.decide_bourse(staff, row.request_id, tele.Decision.REFUSE, "Ressources au-dessus du plafond")
    session.expire_all()
    actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]
    assert actions == [AuditAction.SERVICE_OPENED, AuditAction.CAMPAIGN_WINDOW_SET, AuditAction.BOURSE_REFUSED]
    refusal = session.exec(select(AuditEntry).where(AuditEntry.action == AuditAction.BOURSE_REFUSED)).one()
    assert refusal.pupil_id == child.id and refusal.reason == "Ressources au-dessus du plafond"
    wait_for_queued_mail()
    subjects = [str(BytesParser(policy=default).parsebytes(path.read_bytes())["Subject"])
                for path in outbox_dir().glob("*.eml")]
    assert any(s.startswith("Demande de bourse de collège BC-2026-") and s.endswith("reçue") for s in subjects)
    assert any(s.endswith(": décision") for s in subjects)


def test_a_closed_service_says_why_and_when(session):
    _school, _staff, parent, child = _world(session)
    tele.set_campaign_window(agent_of(session), BOURSE, "2026-2027", "15/09/2026", "21/10/2026")
    with pytest.raises(ServiceClosed) as before:
        tele.open_bourse(parent, str(child.id), now=paris(2026, 9, 14, 23, 59, 59))
    assert "Fermé : ouverture le 15/09/2026 (demandes du 15/09/2026 au 21/10/2026)" in before.value.message
    with pytest.raises(ServiceClosed) as after:
        tele.open_bourse(parent, str(child.id), now=paris(2026, 10, 22, 0, 0, 0))
    assert after.value.message == ("Demande de bourse de collège — Fermé : la campagne 2026-2027 s'est terminée "
                                   "le 21/10/2026 (demandes du 15/09/2026 au 21/10/2026).")


def test_a_new_draft_starts_with_the_guardians_the_school_knows_and_the_estimate_names_its_barème(session):
    from cjeune_app.core.guardians.models import Guardian
    _school, _staff, parent, child = _world(session)
    for rank, first in ((1, "Sofia"), (2, "Marc")):
        session.add(Guardian(pupil_id=child.id, rank=rank, last_name="Martin", first_name=first, relation="mere",
                             mobile=f"+3361234567{rank}"))
    session.commit()
    screen = tele.open_bourse(parent, str(child.id), now=SEPTEMBER).screen
    assert screen.guardians == "Sofia Martin et Marc Martin"  # the family corrects it if need be
    saved = tele.save_bourse_step(parent, child.id, 1, {"guardians": "Sofia Martin", "dependent_children": "2"},
                                  now=SEPTEMBER)
    assert saved.screen.guardians == "Sofia Martin"
    saved = tele.save_bourse_step(parent, child.id, 2, RESOURCES, now=SEPTEMBER).screen
    assert saved.estimate_text == ("Échelon 2 estimé, soit 315 € par an, d'après le barème national 2024-2025 "
                                   "(celui de 2026-2027 n'est pas encore enregistré : l'établissement vérifie "
                                   "votre échelon avec le barème de l'année).")
    above = tele.save_bourse_step(parent, child.id, 2, {"rfr_euros": "90 000", "avis_year": "2026"}, now=SEPTEMBER)
    assert above.screen.estimate_text.startswith("D'après le barème national 2024-2025, vos ressources dépassent")


def test_the_first_day_opens_at_000000_paris_and_the_fiche_changes_carry_their_date(session):
    from cjeune_app.core.guardians.models import Guardian
    _school, staff, parent, child = _world(session)
    assert tele.open_bourse(parent, str(child.id), now=paris(2026, 9, 1, 0, 0, 0)).screen  # 31/08 22:00 UTC
    session.add(Guardian(pupil_id=child.id, rank=1, last_name="Martin", first_name="Sofia", relation="mere",
                         mobile="+33612345678"))
    session.commit()
    tele.save_fiche(parent, child.id, {"child_mobile": "", "child_email": "", "g1_mobile": "06 12 34 56 79",
                                       "g1_email": "", "g1_address": ""}, now=paris(2026, 9, 27, 18, 5))
    [change] = tele.school_teleservices(staff, now=SEPTEMBER).contact_changes
    assert (change.field, change.old_value, change.new_value) == ("Mobile", "06 12 34 56 78", "06 12 34 56 79")
    assert change.changed_on == "27/09/2026 à 18 h 05"
