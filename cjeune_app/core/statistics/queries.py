"""The back office's statistics for one season, each table one aggregating SQL query (the database
groups the rows; Python only names the groups and folds UTC hours into Paris days or months).

Days and months are Paris ones: SQLite has no time zones, so both databases group by UTC hour and
the few thousand hours of a season are folded into Paris days here, the same way for both.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from cjeune_app.core.cards.association import AssociationOutcome
from cjeune_app.core.cards.models import CardAssociationAttempt
from cjeune_app.core.enrollment.models import Enrollment, EnrollmentStatus
from cjeune_app.core.enums import (
    CATEGORY_LABELS,
    ENVELOPE_LABELS,
    Category,
    Envelope,
    LedgerKind,
)
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.formats import PARIS
from cjeune_app.core.partners.models import Partner, PartnerCategory
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.statistics import ledger_totals
from cjeune_app.core.statistics.ledger_totals import MonthTotal
from cjeune_app.core.territory import commune_by_insee

TOP_PARTNERS = 10
_SPENDING = (str(LedgerKind.DEBIT), str(LedgerKind.REFUND))


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    count: int


@dataclass(frozen=True)
class Share:
    label: str  # a collège or a commune
    pupils: int
    enrolled: int

    @property
    def percent(self) -> float:
        return round(100 * self.enrolled / self.pupils, 1) if self.pupils else 0.0


@dataclass(frozen=True)
class MonthAmount:
    month: str  # "2026-10"
    key: str  # an envelope or a category
    label: str
    cents: int


@dataclass(frozen=True)
class MoneyTotals:
    credited_cents: int
    spent_cents: int  # payments minus refunds of cancelled payments
    expired_cents: int
    corrections_credited_cents: int  # agents' manual corrections, approved by a second agent
    corrections_debited_cents: int


@dataclass(frozen=True)
class PartnerUse:
    partner_id: int
    name: str
    payments: int
    cents: int


def _hour(column: Any, dialect: str) -> Any:
    """The UTC hour of a timestamp: PostgreSQL truncates it; SQLite stores UTC as text
    "YYYY-MM-DD HH:MM:SS.ffffff", whose first 13 characters are the hour (no date parsing per row)."""
    if dialect == "postgresql":
        return func.date_trunc("hour", func.timezone("UTC", column))
    return func.substr(column, 1, 13)


def _paris(hour: str | dt.datetime) -> dt.datetime:
    moment = hour if isinstance(hour, dt.datetime) else dt.datetime.strptime(hour, "%Y-%m-%d %H")
    return moment.replace(tzinfo=dt.UTC).astimezone(PARIS)


def _per_day(rows: Any) -> list[DayCount]:
    days: dict[dt.date, int] = defaultdict(int)
    for hour, count in rows:
        days[_paris(hour).date()] += int(count)
    return [DayCount(day, count) for day, count in sorted(days.items())]


def _bounds(season: Season) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(season.starts_on, dt.time(), tzinfo=PARIS).astimezone(dt.UTC)
    end = dt.datetime.combine(season.ends_on + dt.timedelta(days=1), dt.time(), tzinfo=PARIS).astimezone(dt.UTC)
    return start, end


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def enrollments_per_day(session: Session, season: Season) -> list[DayCount]:
    hour = _hour(col(Enrollment.completed_at), _dialect(session))
    rows = session.execute(
        sa.select(hour, func.count()).where(col(Enrollment.season_id) == season.id,
                                            col(Enrollment.status) == EnrollmentStatus.COMPLETED,
                                            col(Enrollment.completed_at).is_not(None)).group_by(hour)
    ).all()
    return _per_day(rows)


def associations_per_day(session: Session, season: Season) -> list[DayCount]:
    hour = _hour(col(CardAssociationAttempt.created_at), _dialect(session))
    rows = session.execute(
        sa.select(hour, func.count())
        .where(col(CardAssociationAttempt.season_id) == season.id,
               col(CardAssociationAttempt.outcome) == AssociationOutcome.ACTIVATED).group_by(hour)
    ).all()
    return _per_day(rows)


def enrolled_per_school(session: Session, season: Season) -> list[tuple[int, str, str, int, int]]:
    """(id, name, commune, pupils, enrolled) of every collège: two counts grouped by the database
    (pupils per collège from its index; the season's completed enrollments through their pupil)."""
    pupils = dict(session.execute(
        sa.select(col(Pupil.establishment_id), func.count()).group_by(col(Pupil.establishment_id))).all())
    enrolled = dict(session.execute(
        sa.select(col(Pupil.establishment_id), func.count())
        .select_from(Enrollment).join(Pupil, col(Pupil.id) == col(Enrollment.pupil_id))
        .where(col(Enrollment.season_id) == season.id, col(Enrollment.status) == EnrollmentStatus.COMPLETED)
        .group_by(col(Pupil.establishment_id))).all())
    rows = session.execute(sa.select(col(Establishment.id), col(Establishment.name), col(Establishment.commune_insee))
                           .where(col(Establishment.id).in_(list(pupils)))).all() if pupils else []
    return [(int(i), name, insee, int(pupils[i]), int(enrolled.get(i, 0))) for i, name, insee in rows]


def share_per_school(rows: list[tuple[int, str, str, int, int]]) -> list[Share]:
    return sorted((Share(name, pupils, done) for _, name, _, pupils, done in rows), key=lambda s: s.label)


def share_per_commune(rows: list[tuple[int, str, str, int, int]]) -> list[Share]:
    """Pupils of the collèges of each commune (a few hundred collèges: summed after the SQL count)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _, _, insee, pupils, done in rows:
        totals[insee][0] += pupils
        totals[insee][1] += done
    def name(insee: str) -> str:
        commune = commune_by_insee(insee)
        return commune.name if commune else insee
    return sorted((Share(name(insee), p, d) for insee, (p, d) in totals.items()), key=lambda s: s.label)


def _per_month(rows: Any, labels: dict[str, str]) -> list[MonthAmount]:
    months: dict[tuple[str, str], int] = defaultdict(int)
    for hour, key, cents in rows:
        months[(_paris(hour).strftime("%Y-%m"), key)] += int(cents)
    return [MonthAmount(month, key, labels.get(key, key), cents) for (month, key), cents in sorted(months.items())]


def spending(session: Session, season: Season, totals: list[MonthTotal] | None = None,
             ) -> tuple[list[MonthAmount], list[MonthAmount]]:
    """Payments kept (not cancelled) per Paris month of payment, like the statements: per envelope,
    and per partner category, from the ledger's debits and the refunds of cancelled payments (a
    refund counts in its payment's month). Tutoring is paid from its envelope; a Sport & Culture
    payment counts in the partner's first category of that envelope."""
    totals = ledger_totals.season_totals(session, _season_id(season)) if totals is None else totals
    main = dict(session.execute(
        sa.select(col(PartnerCategory.partner_id), func.min(col(PartnerCategory.category)))
        .where(col(PartnerCategory.category) != Category.SOUTIEN_SCOLAIRE).group_by(col(PartnerCategory.partner_id))
    ).all())
    per_envelope: dict[tuple[str, str], int] = defaultdict(int)
    per_category: dict[tuple[str, str], int] = defaultdict(int)
    for t in totals:
        if t.kind not in _SPENDING or not t.partner_id:
            continue
        category = (str(Category.SOUTIEN_SCOLAIRE) if t.envelope == Envelope.SOUTIEN_SCOLAIRE
                    else str(main.get(t.partner_id) or Category.LOISIRS))
        per_envelope[(t.month, t.envelope)] -= t.cents
        per_category[(t.month, category)] -= t.cents
    envelope_labels = {str(e): label for e, label in ENVELOPE_LABELS.items()}
    category_labels = {str(c): label for c, label in CATEGORY_LABELS.items()}
    return ([MonthAmount(m, k, envelope_labels.get(k, k), c) for (m, k), c in sorted(per_envelope.items()) if c],
            [MonthAmount(m, k, category_labels.get(k, k), c) for (m, k), c in sorted(per_category.items()) if c])


def money_totals(session: Session, season: Season, totals: list[MonthTotal] | None = None) -> MoneyTotals:
    """Every kind of ledger entry of the season, summed (a manual correction apart from the rest)."""
    totals = ledger_totals.season_totals(session, _season_id(season)) if totals is None else totals
    kinds: dict[str, int] = defaultdict(int)
    for t in totals:
        kinds[t.kind] += t.cents
    def total(*wanted: LedgerKind) -> int:
        return sum(kinds.get(str(kind), 0) for kind in wanted)
    return MoneyTotals(total(LedgerKind.CREDIT), -total(LedgerKind.DEBIT, LedgerKind.REFUND),
                       -total(LedgerKind.EXPIRY), total(LedgerKind.CORRECTION_IN),
                       -total(LedgerKind.CORRECTION_OUT))


def most_used_partners(session: Session, season: Season, limit: int = TOP_PARTNERS,
                       totals: list[MonthTotal] | None = None) -> list[PartnerUse]:
    """By payments kept (debits minus refunds of cancelled payments), then amount, then name."""
    totals = ledger_totals.season_totals(session, _season_id(season)) if totals is None else totals
    uses: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for t in totals:
        if t.kind in _SPENDING and t.partner_id:
            use = uses[t.partner_id]
            use[0] += t.entries if t.kind == LedgerKind.DEBIT else -t.entries
            use[1] -= t.cents
    kept = {pid: use for pid, use in uses.items() if use[0] > 0}
    names = dict(session.execute(sa.select(col(Partner.id), col(Partner.name))).all()) if kept else {}
    ranked = sorted(kept.items(), key=lambda item: (-item[1][0], -item[1][1], names.get(item[0], "")))
    return [PartnerUse(pid, names.get(pid, ""), n, cents) for pid, (n, cents) in ranked[:limit]]


def _season_id(season: Season) -> int:
    assert season.id is not None
    return season.id


def seasons(session: Session) -> list[Season]:
    return list(session.exec(select(Season).order_by(col(Season.starts_on).desc())).all())
