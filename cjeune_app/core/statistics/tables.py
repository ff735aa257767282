"""The statistics of a season as named tables (what the page charts and what each CSV export holds)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from cjeune_app.core.seasons.models import Season
from cjeune_app.core.statistics import ledger_totals, queries


class StatisticsTable(StrEnum):
    ENROLLMENTS = "inscriptions"
    ASSOCIATIONS = "associations"
    SCHOOLS = "colleges"
    COMMUNES = "communes"
    ENVELOPES = "enveloppes"
    CATEGORIES = "categories"
    MONEY = "montants"
    PARTNERS = "partenaires"


@dataclass(frozen=True)
class Statistics:
    season_code: str
    enrollments: list[queries.DayCount]
    associations: list[queries.DayCount]
    schools: list[queries.Share]
    communes: list[queries.Share]
    envelopes: list[queries.MonthAmount]
    categories: list[queries.MonthAmount]
    money: queries.MoneyTotals
    partners: list[queries.PartnerUse]


def season_statistics(session: Session, season: Season) -> Statistics:
    schools = queries.enrolled_per_school(session, season)
    assert season.id is not None
    totals = ledger_totals.season_totals(session, season.id)  # the ledger's money, read once
    envelopes, categories = queries.spending(session, season, totals)
    return Statistics(
        season.code,
        queries.enrollments_per_day(session, season),
        queries.associations_per_day(session, season),
        queries.share_per_school(schools),
        queries.share_per_commune(schools),
        envelopes,
        categories,
        queries.money_totals(session, season, totals),
        queries.most_used_partners(session, season, totals=totals),
    )


def money_lines(money: queries.MoneyTotals) -> list[tuple[str, int]]:
    """The money of the season as an agent reads it: the manual corrections on lines of their own."""
    return [("crédité", money.credited_cents), ("dépensé", money.spent_cents), ("expiré", money.expired_cents),
            ("corrections créditées (manuelles)", money.corrections_credited_cents),
            ("corrections débitées (manuelles)", money.corrections_debited_cents)]


def _euros(cents: int) -> str:
    """"-1234,50": a number a French spreadsheet reads."""
    euros, rest = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{euros},{rest:02d}"


def table_rows(stats: Statistics, table: StatisticsTable) -> list[list[Any]]:
    """The header then the rows of one table, amounts in cents and in euros."""
    if table in (StatisticsTable.ENROLLMENTS, StatisticsTable.ASSOCIATIONS):
        days = stats.enrollments if table is StatisticsTable.ENROLLMENTS else stats.associations
        return [["jour", "nombre"], *[[d.day.isoformat(), d.count] for d in days]]
    if table in (StatisticsTable.SCHOOLS, StatisticsTable.COMMUNES):
        shares = stats.schools if table is StatisticsTable.SCHOOLS else stats.communes
        first = "collège" if table is StatisticsTable.SCHOOLS else "commune"
        return [[first, "élèves", "inscrits", "part_pourcent"],
                *[[s.label, s.pupils, s.enrolled, f"{s.percent:.1f}".replace(".", ",")] for s in shares]]
    if table in (StatisticsTable.ENVELOPES, StatisticsTable.CATEGORIES):
        amounts = stats.envelopes if table is StatisticsTable.ENVELOPES else stats.categories
        key = "enveloppe" if table is StatisticsTable.ENVELOPES else "catégorie"
        return [["mois", key, "montant_centimes", "montant"],
                *[[a.month, a.label, a.cents, _euros(a.cents)] for a in amounts]]
    if table is StatisticsTable.MONEY:
        m = stats.money
        return [["mouvement", "montant_centimes", "montant"], *[[label, cents, _euros(cents)]
                                                                for label, cents in money_lines(m)]]
    return [["partenaire", "paiements", "montant_centimes", "montant"],
            *[[p.name, p.payments, p.cents, _euros(p.cents)] for p in stats.partners]]


def table_csv(stats: Statistics, table: StatisticsTable) -> str:
    """';'-separated, UTF-8 with a byte order mark, like the partners' statements."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(table_rows(stats, table))
    return buffer.getvalue()
