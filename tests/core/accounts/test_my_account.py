""""Mon compte" rules: the new e-mail replaces the old only through the link sent to it; consents
given and withdrawn are appended to the ledger; a deletion request is recorded once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cjeune_app.core.accounts.errors import FormErrors, InvalidToken
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.parents import create_or_get_parent_for_enrollment
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.db import session_scope
from cjeune_app.core.enrollment.models import ConsentKind, Enrollment
from cjeune_app.core.seasons.api import get_or_create_season
from cjeune_app.core.use_cases import my_account
from tests.core.accounts.builders import actor_for, make_pupil, make_school
from tests.support.mail import Outbox, links_in, token_from

OLD, NEW = "paul.roche@exemple.fr", "paul.nouveau@exemple.fr"


@pytest.fixture
def parent(session, monkeypatch, tmp_path):
    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    monkeypatch.setenv("CJEUNE_DATA_DIR", str(tmp_path / "data"))
    school = make_school(session)
    pupil, _ = make_pupil(session, school)
    season = get_or_create_season(session, "2026-2027")
    session.add(Enrollment(pupil_id=pupil.id, season_id=season.id, status="completed", email=OLD,
                           completed_at=dt.datetime(2026, 9, 2, tzinfo=dt.UTC)))
    account = create_or_get_parent_for_enrollment(session, OLD, "Paul", "Roche", pupil.id)
    account.password_hash = hash_password("Calanques2026")
    session.add(account)
    session.commit()
    return actor_for(account)


def test_the_new_address_replaces_the_old_only_through_its_link(parent):
    shown = my_account.ask_email_change(parent, NEW)
    assert (shown.email, shown.pending_email) == (OLD, NEW)
    link = next(link for link in links_in(Outbox().last(NEW)) if "jeton=" in link)
    assert my_account.confirm_email_change(token_from(link)) == NEW
    with session_scope(read_only=True) as session:
        account = session.get(Account, parent.account_id)
        assert (account.email, account.login) == (NEW, NEW)
    assert "désormais " + NEW in Outbox().last(OLD).get_body(("plain",)).get_content()
    with pytest.raises(InvalidToken):
        my_account.confirm_email_change(token_from(link))  # a link works once


def test_an_address_already_used_is_refused_beside_the_field(parent):
    with pytest.raises(FormErrors) as refused:
        my_account.ask_email_change(parent, OLD)
    assert "new_email" in refused.value.fields


def test_consents_given_and_withdrawn_are_appended_to_the_ledger(parent):
    my_account.set_consent(parent, ConsentKind.OPTIN_EMAIL, True)
    shown = my_account.set_consent(parent, ConsentKind.OPTIN_EMAIL, False)
    assert shown.optin_email is False
    data = my_account.my_data(parent)
    assert [c["value"] for c in data["consentements"] if c["kind"] == "optin_email"][-2:] == [True, False]
    with pytest.raises(FormErrors):
        my_account.set_consent(parent, ConsentKind.OPTIN_SMS, True)  # no mobile yet
    assert my_account.change_mobile(parent, "06 12 34 56 78").mobile == "+33 6 12 34 56 78"
    assert my_account.set_consent(parent, ConsentKind.OPTIN_SMS, True).optin_sms is True


def test_a_deletion_request_is_recorded_once_and_agents_see_it(parent, session):
    first = my_account.request_deletion(parent).deletion_requested_at
    assert my_account.request_deletion(parent).deletion_requested_at == first
    from cjeune_app.core.accounts.staff import create_back_office_account

    agent, _ = create_back_office_account(session, role="agent", email="agent@departement13.fr",
                                          first_name="Camille", last_name="Agent", password="Provence2026")
    session.commit()
    asked = my_account.deletion_requests(actor_for(agent))
    assert [a.login for a in asked] == [OLD]
    with session_scope(read_only=True) as s:
        assert s.exec(select(Account).where(Account.login == OLD)).one()


def test_a_family_moves_within_the_13_and_the_change_is_recorded_and_shown(parent):
    from cjeune_app.core.audit import AuditAction, AuditFilter, list_entries

    shown = my_account.change_address(parent, {"address_line": "3 Cours Foch", "address_complement": "Bât. B",
                                               "postal_code": "13400", "commune_insee": "13005"})
    assert shown.address == "3 Cours Foch, Bât. B, 13400 Aubagne"
    assert (shown.postal_code, shown.commune_insee, shown.commune_name) == ("13400", "13005", "Aubagne")
    with session_scope(read_only=True) as session:
        enrollment = session.exec(select(Enrollment)).one()
        assert (enrollment.address_line, enrollment.commune_insee) == ("3 Cours Foch", "13005")
        entries = list_entries(session, AuditFilter(action=AuditAction.ADDRESS_CHANGED))
    assert len(entries) == 1 and entries[0].details.endswith("3 Cours Foch, Bât. B, 13400 Aubagne")
    moved = my_account.change_address(parent, {"address_line": "12 rue Espariat", "postal_code": "13100",
                                               "commune_name": "Aix-en-Provence"})  # typed, not picked
    assert moved.address == "12 rue Espariat, 13100 Aix-en-Provence"
    assert [(line.before, line.after) for line in moved.address_history] == [
        ("3 Cours Foch, Bât. B, 13400 Aubagne", "12 rue Espariat, 13100 Aix-en-Provence"),
        ("(aucune adresse)", "3 Cours Foch, Bât. B, 13400 Aubagne"),
    ]
    # The same address again is no change: nothing more in the history.
    assert len(my_account.change_address(parent, {"address_line": "12 rue Espariat", "postal_code": "13100",
                                                  "commune_insee": "13001"}).address_history) == 2


def test_an_address_outside_the_13_is_refused_beside_the_town_and_nothing_changes(parent):
    from cjeune_app.core.enrollment.wording import OUTSIDE_DEPARTMENT

    my_account.change_address(parent, {"address_line": "3 Cours Foch", "postal_code": "13400",
                                       "commune_insee": "13005"})
    for town in ({"commune_insee": "83104"}, {"commune_name": "Toulon"}):  # Riboux (Var, 13780), Toulon
        with pytest.raises(FormErrors) as refused:
            my_account.change_address(parent, {"address_line": "1 place de la Mairie", "postal_code": "13780",
                                               **town})
        assert refused.value.fields["commune_insee"] == OUTSIDE_DEPARTMENT
    with pytest.raises(FormErrors) as refused:
        my_account.change_address(parent, {"address_line": "", "postal_code": "1340", "commune_insee": "13005"})
    assert set(refused.value.fields) == {"address_line", "postal_code"}
    shown = my_account.open_my_account(parent)
    assert shown.address == "3 Cours Foch, 13400 Aubagne"
    assert len(shown.address_history) == 1


def test_my_data_as_a_pdf_reads_back_in_french_with_the_child_and_the_ledger(parent, session):
    import io

    from pypdf import PdfReader

    from cjeune_app.core.establishments.models import Pupil
    from cjeune_app.core.wallet.api import credit_season

    pupil = session.exec(select(Pupil)).one()
    credit_season(session, pupil.id, get_or_create_season(session, "2026-2027"))
    session.commit()
    my_account.set_consent(parent, ConsentKind.OPTIN_EMAIL, True)
    my_account.change_address(parent, {"address_line": "3 Cours Foch", "postal_code": "13400",
                                       "commune_insee": "13005"})
    my_account.ask_email_change(parent, NEW)  # a message sent

    reader = PdfReader(io.BytesIO(my_account.my_data_pdf(parent)))
    assert reader.metadata.title == "Mes données — CJeune de Provence"
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Mes données — CJeune de Provence" in text and "Édité le" in text
    assert f"{pupil.first_name} {pupil.last_name}" in text
    assert "Crédit de la saison 2026-2027" in text and "100,00 €" in text  # a ledger line
    assert "Informations et bons plans par e-mail" in text and "donné" in text  # the consent, with its time
    assert "3 Cours Foch, 13400 Aubagne" in text
    assert OLD in text
    data = my_account.my_data(parent)
    assert [line["libelle"] for line in data["jeunes"][0]["historique"]][:1] == ["Crédit de la saison 2026-2027"]
    assert data["messages_envoyes"] == [] or all("objet" in m for m in data["messages_envoyes"])


def test_my_data_shows_the_guardians_but_only_this_person_s_own_contact(parent, session):
    from cjeune_app.core.establishments.models import Pupil
    from cjeune_app.core.guardians.models import Guardian

    pupil = session.exec(select(Pupil)).one()
    session.add(Guardian(pupil_id=pupil.id, rank=1, last_name="Roche", first_name="Paul", relation="pere",
                         email=OLD, mobile="+33612345678"))
    session.add(Guardian(pupil_id=pupil.id, rank=2, last_name="Roche", first_name="Anne", relation="mere",
                         email="anne.roche@exemple.fr", mobile="+33698765432"))
    session.commit()
    guardians = my_account.my_data(parent)["jeunes"][0]["responsables_legaux"]
    assert [(g["prenom"], g["lien"], g["email"], g["mobile"]) for g in guardians] == [
        ("Paul", "Père", OLD, "+33612345678"), ("Anne", "Mère", "", "")]


def test_a_jeune_moves_to_another_commune_of_the_13_only(session):
    from cjeune_app.core.accounts.validation import NOT_RESIDENT
    from cjeune_app.core.enums import Role

    youth = Account(role=Role.YOUTH, login="nina.jeune@exemple.fr", email="nina.jeune@exemple.fr",
                    first_name="Nina", last_name="Jeune", commune_insee="13001")
    session.add(youth)
    session.commit()
    actor = actor_for(youth)
    assert my_account.open_my_account(actor).address == "Aix-en-Provence"
    for town in ({"commune_insee": "83104"}, {"commune_name": "Toulon"}, {"commune_name": ""}):
        with pytest.raises(FormErrors) as refused:
            my_account.change_commune(actor, town)
        assert "commune_insee" in refused.value.fields
    assert refused.value.fields["commune_insee"] != NOT_RESIDENT  # nothing typed: "choisissez…"
    moved = my_account.change_commune(actor, {"commune_name": "Aubagne"})
    assert (moved.commune_insee, moved.address) == ("13005", "Aubagne")
    assert [(line.before, line.after) for line in moved.address_history] == [("Aix-en-Provence", "Aubagne")]
    with session_scope(read_only=True) as s:
        assert s.get(Account, youth.id).commune_insee == "13005"


def test_a_parent_has_no_commune_of_a_jeune_to_change(parent):
    from cjeune_app.core.errors import Forbidden

    with pytest.raises(Forbidden):
        my_account.change_commune(parent, {"commune_insee": "13005"})
