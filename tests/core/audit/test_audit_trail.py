"""The audit trail: who, when, what and why; read back with filters, exported as CSV; append-only in
the database itself (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
import sqlalchemy as sa
from sqlmodel import select

from cjeune_app.core.actor import Actor
from cjeune_app.core.audit import AuditAction, AuditEntry, AuditFilter, AuditTarget, audit_csv, list_entries, record
from cjeune_app.core.db import engine_for
from cjeune_app.core.enums import Role
from cjeune_app.core.use_cases import partners
from tests.core.partners.builders import SIGN_UP_FORM, add_agent, sign_up_and_confirm
from tests.support.mail import Outbox

SECOND_SIRET = "44829103900015"
MOMENT = dt.datetime(2026, 11, 20, 13, 5, tzinfo=dt.UTC)


@pytest.fixture
def agent(session) -> Actor:
    return add_agent(session)


def test_an_entry_says_who_when_what_and_why(session, agent):
    record(session, agent, AuditAction.CARD_BLOCKED, target_kind=AuditTarget.CARD, target_id=7,
           target_label="Carte •••• 1234 de Julie Fernandez", reason="Appel de la mère : carte volée", now=MOMENT)
    session.commit()
    [row] = list_entries(session, AuditFilter())
    assert (row.actor_name, row.actor_role) == (agent.display_name, Role.AGENT)
    assert row.when == "20/11/2026 14:05"  # Paris time
    assert (row.action, row.action_label, row.target_id) == (AuditAction.CARD_BLOCKED, "Carte bloquée", 7)
    assert row.reason == "Appel de la mère : carte volée"


def test_the_operators_command_line_is_named_when_no_one_is_signed_in(session):
    record(session, None, AuditAction.PUPILS_IMPORTED, target_kind=AuditTarget.ESTABLISHMENT, target_id=1)
    session.commit()
    assert list_entries(session, AuditFilter())[0].actor_name == "Opérateur (ligne de commande)"


def test_filters_and_csv_export(session, agent):
    other = Actor(account_id=agent.account_id, role=Role.AGENT, display_name="Nadia")
    record(session, agent, AuditAction.PARTNER_VALIDATED, target_kind=AuditTarget.PARTNER, target_id=1,
           target_label="Judo Club d'Arles", partner_id=None, now=MOMENT)
    record(session, other, AuditAction.CARD_BLOCKED, target_kind=AuditTarget.CARD, target_id=2,
           target_label="Carte •••• 9876", reason="perte ; déclarée par téléphone", now=MOMENT + dt.timedelta(days=3))
    session.commit()
    assert [r.action for r in list_entries(session, AuditFilter(action=AuditAction.CARD_BLOCKED))] == ["card_blocked"]
    assert [r.target_id for r in list_entries(session, AuditFilter(text="judo"))] == [1]
    assert [r.target_id for r in list_entries(session, AuditFilter(text="TÉLÉPHONE".lower()))] == [2]
    assert [r.target_id for r in list_entries(session, AuditFilter(date_to=dt.date(2026, 11, 21)))] == [1]
    assert [r.target_id for r in list_entries(session, AuditFilter(date_from=dt.date(2026, 11, 22)))] == [2]
    assert [r.target_id for r in list_entries(session, AuditFilter())] == [2, 1]  # newest first

    text = audit_csv(session, AuditFilter())
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("date;heure;auteur;rôle;action")
    assert lines[1].startswith("20/11/2026;14:05:00;")
    assert '"perte ; déclarée par téléphone"' in lines[2]  # a ';' inside a field is quoted


def _raw(db_url, statement):
    with engine_for(db_url).begin() as conn:
        conn.execute(sa.text(statement))


def test_the_database_refuses_to_change_or_delete_an_entry(db_url, session, agent):
    record(session, agent, AuditAction.ACCOUNT_UNLOCKED, target_kind=AuditTarget.ACCOUNT, target_id=3,
           reason="Appel du père")
    session.commit()
    for statement in ("UPDATE audit_entry SET reason = 'rien'", "UPDATE audit_entry SET actor_name = 'x'",
                      "DELETE FROM audit_entry"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            _raw(db_url, statement)
    if engine_for(db_url).dialect.name == "postgresql":
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            _raw(db_url, "TRUNCATE audit_entry")
    session.expire_all()
    assert session.exec(select(AuditEntry.reason)).all() == ["Appel du père"]


def test_partner_decisions_are_in_the_trail(session, agent, monkeypatch):
    monkeypatch.delenv("CJEUNE_SMTP_URL", raising=False)
    outbox = Outbox()
    waiting = sign_up_and_confirm(session, outbox)
    other = sign_up_and_confirm(session, outbox, replace(
        SIGN_UP_FORM, name="Salle Obscure", siret=SECOND_SIRET, contact_email="salle@obscure.fr"))
    partners.validate_partner(agent, waiting.id)
    partners.reject_partner(agent, other.id, "SIRET introuvable")
    rows = list_entries(session, AuditFilter())
    assert [(r.action, r.target_id, r.reason) for r in rows] == [
        (AuditAction.PARTNER_REJECTED, other.id, "SIRET introuvable"),
        (AuditAction.PARTNER_VALIDATED, waiting.id, ""),
    ]
    assert rows[1].target_label == f"{waiting.name} (SIRET {waiting.siret})"


def test_school_staff_changing_guardians_is_in_the_trail(session, agent):
    from cjeune_app.core.guardians.records import GuardianInput
    from cjeune_app.core.use_cases import guardians
    from tests.core.factories import make_pupil

    pupil, _, _ = make_pupil(session, "Fabre", "Lucas")
    session.commit()
    guardians.save_pupil_guardians(agent, pupil.id, [GuardianInput("Fabre", "Anne", "mere", "06 11 22 33 44")])
    [row] = list_entries(session, AuditFilter(pupil_id=pupil.id))
    assert (row.action, row.details) == (AuditAction.GUARDIANS_CHANGED, "Anne Fabre")


def test_the_journal_pages_beyond_the_first_hundred_entries_keep_the_filter(session, agent):
    from cjeune_app.core.use_cases import journal

    for n in range(250):  # one a minute; every third a card blocked
        action = AuditAction.CARD_BLOCKED if n % 3 == 0 else AuditAction.ACCOUNT_UNLOCKED
        record(session, agent, action, target_kind=AuditTarget.CARD, target_id=n, target_label=f"Objet {n}",
               reason="Appel", now=MOMENT + dt.timedelta(minutes=n))
    session.commit()
    pages = [journal.read_journal(agent, AuditFilter(), page=p) for p in range(3)]
    assert [len(p.rows) for p in pages] == [100, 100, 50] and [p.has_more for p in pages] == [True, True, False]
    seen = [row.target_id for p in pages for row in p.rows]
    assert seen == list(range(249, -1, -1))  # newest first, each entry once
    blocked = journal.filter_from_fields({"action": "card_blocked"})
    first, second = (journal.read_journal(agent, blocked, page=p) for p in range(2))
    assert (len(first.rows), first.has_more, len(second.rows), second.has_more) == (84, False, 0, False)
    wide = journal.filter_from_fields({"texte": "Objet 1"})  # Objet 1, 10..19, 100..199: 111 entries
    first, second = (journal.read_journal(agent, wide, page=p) for p in range(2))
    assert (len(first.rows), first.has_more, len(second.rows), second.has_more) == (100, True, 11, False)
    assert {r.target_id for r in first.rows}.isdisjoint(r.target_id for r in second.rows)
