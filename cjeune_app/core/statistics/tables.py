"""The statistics of a season as named tables (what the page charts and what each CSV export holds)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from cjeune_app.core.seasons.models import Season
from cjeune_app.core.statistics import queries


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
    envelopes, categories = queries.spending(session, season)
    return Statistics(
        season.code,
        queries.enrollments_per_day(session, season),
        queries.associations_per_day(session, season),
        queries.share_per_school(schools),
        queries.share_per_commune(schools),
        envelopes,
        categories,
        queries.money_totals(session, season),
        queries.most_used_partners(session, season),
    )


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
        return [["mouvement", "montant_centimes", "montant"], ["crédité", m.credited_cents, _euros(m.credited_cents)],
                ["dépensé", m.spent_cents, _euros(m.spent_cents)], ["expiré", m.expired_cents, _euros(m.expired_cents)]]
    return [["partenaire", "paiements", "montant_centimes", "montant"],
            *[[p.name, p.payments, p.cents, _euros(p.cents)] for p in stats.partners]]


def table_csv(stats: Statistics, table: StatisticsTable) -> str:
    """';'-separated, UTF-8 with a byte order mark, like the partners' statements."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(table_rows(stats, table))
    return buffer.getvalue()
