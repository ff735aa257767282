"""The statistics of a season, computed by the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest

from cjeune_app.core.db import session_scope
from cjeune_app.core.errors import Forbidden
from cjeune_app.core.formats import PARIS, paris_today
from cjeune_app.core.partners.payments import cancel_payment, take_payment
from cjeune_app.core.statistics.tables import StatisticsTable
from cjeune_app.core.use_cases import statistics
from cjeune_app.core.use_cases.statistics import UnknownSeason
from tests.core.partners.builders import partner_actor
from tests.support.partner_world import build_partner_world


def paris(year, month, day, hour=12):
    return dt.datetime(year, month, day, hour, tzinfo=PARIS).astimezone(dt.UTC)


@pytest.fixture
def world(session):
    world = build_partner_world(session)
    y = int(world.season_code[:4])
    with session_scope() as s:
        take_payment(s, world.sport, world.card, 2_000, None, uuid.uuid4().hex, now=paris(y, 10, 31, 23))
        take_payment(s, world.sport, world.second_card, 1_000, None, uuid.uuid4().hex, now=paris(y, 11, 2))
        cancelled = take_payment(s, world.sport, world.second_card, 400, None, uuid.uuid4().hex, now=paris(y, 11, 3))
        take_payment(s, world.tutoring, world.card, 900, None, uuid.uuid4().hex, now=paris(y, 10, 5))
        take_payment(s, world.both, world.card, 300, "sport_culture", uuid.uuid4().hex, now=paris(y, 11, 4))
    with session_scope() as s:
        cancel_payment(s, world.sport, cancelled.payment_id, now=paris(y, 11, 4))
    return world


def test_the_statistics_of_the_season(world, agent):
    page = statistics.statistics_page(agent)
    stats = page.statistics
    y = int(world.season_code[:4])
    assert page.seasons == [world.season_code] and stats.season_code == world.season_code
    # three youths enrolled (money world) and three cards associated today
    assert sum(d.count for d in stats.enrollments) == 3
    assert [(d.day, d.count) for d in stats.associations] == [(paris_today(), 3)]
    assert [(s.label, s.pupils, s.enrolled, s.percent) for s in stats.schools] == [("Collège Test", 3, 3, 100.0)]
    assert [(s.pupils, s.enrolled) for s in stats.communes] == [(3, 3)]
    # 23:00 on 31 October in Paris is October's
    assert [(a.month, a.key, a.cents) for a in stats.envelopes] == [
        (f"{y}-10", "soutien_scolaire", 900), (f"{y}-10", "sport_culture", 2_000), (f"{y}-11", "sport_culture", 1_300)]
    assert [(a.month, a.label, a.cents) for a in stats.categories] == [
        (f"{y}-10", "Soutien scolaire", 900), (f"{y}-10", "Sport", 2_000), (f"{y}-11", "Culture", 300),
        (f"{y}-11", "Sport", 1_000)]
    # three youths credited 150 € each (the blocked card's youth too)
    assert (stats.money.credited_cents, stats.money.spent_cents, stats.money.expired_cents) == (45_000, 4_200, 0)
    assert [(p.partner_id, p.payments, p.cents) for p in stats.partners] == [
        (world.sport, 2, 3_000), (world.tutoring, 1, 900), (world.both, 1, 300)]


def test_every_table_exports_as_csv(world, agent):
    for table in StatisticsTable:
        file = statistics.statistics_csv(agent, world.season_code, table.value)
        assert file.filename == f"statistiques-cjeune-{world.season_code}-{table.value}.csv"
        rows = list(csv.reader(io.StringIO(file.body.decode().lstrip("\ufeff")), delimiter=";"))
        assert len(rows) >= 2, table
    money = statistics.statistics_csv(agent, world.season_code, "montants").body.decode()
    assert "crédité;45000;450,00" in money and "dépensé;4200;42,00" in money


def test_refusals(world, agent):
    with pytest.raises(UnknownSeason):
        statistics.statistics_page(agent, "1999-2000")
    with pytest.raises(Forbidden):
        statistics.statistics_page(partner_actor(world.sport))
    with pytest.raises(Forbidden):
        statistics.statistics_csv(partner_actor(world.sport), world.season_code, "montants")


def test_manual_corrections_have_lines_of_their_own(world, agent, session):
    from cjeune_app.core.accounts.models import Account
    from cjeune_app.core.actor import Actor
    from cjeune_app.core.enums import Role
    from cjeune_app.core.use_cases import assistance

    second = Account(role=Role.AGENT, login="paul.agent@departement13.fr", email="paul.agent@departement13.fr",
                     first_name="Paul", last_name="Agent")
    session.add(second)
    session.commit()
    paul = Actor(account_id=second.id, role=Role.AGENT, display_name="Paul")
    credit = assistance.propose_correction(agent, world.pupil_id, "sport_culture", 2_500, "Paiement en double")
    debit = assistance.propose_correction(agent, world.pupil_id, "soutien_scolaire", -700, "Erreur de saisie")
    money = statistics.statistics_page(agent).statistics.money
    assert (money.corrections_credited_cents, money.corrections_debited_cents) == (0, 0)  # not approved yet
    assistance.approve_correction(paul, credit)
    assistance.approve_correction(paul, debit)
    money = statistics.statistics_page(agent).statistics.money
    # credited, spent and expired keep their meaning; the corrections are told apart
    assert (money.credited_cents, money.spent_cents, money.expired_cents) == (45_000, 4_200, 0)
    assert (money.corrections_credited_cents, money.corrections_debited_cents) == (2_500, 700)
    rows = list(csv.reader(io.StringIO(statistics.statistics_csv(agent, world.season_code, "montants").body.decode()
                                       .lstrip("\ufeff")), delimiter=";"))
    assert rows[1:] == [["crédité", "45000", "450,00"], ["dépensé", "4200", "42,00"], ["expiré", "0", "0,00"],
                        ["corrections créditées (manuelles)", "2500", "25,00"],
                        ["corrections débitées (manuelles)", "700", "7,00"]]
