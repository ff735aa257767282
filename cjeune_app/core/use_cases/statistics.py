"""The back office's statistics page (/admin/statistiques) and its CSV exports."""

from __future__ import annotations

from dataclasses import dataclass

from cjeune_app.core.actor import Actor
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import NotFound
from cjeune_app.core.formats import paris_today
from cjeune_app.core.permissions import require_role
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.statistics import ledger_totals, queries
from cjeune_app.core.statistics.tables import Statistics, StatisticsTable, season_statistics, table_csv


class UnknownSeason(NotFound):
    code = "season_unknown"
    message = "Saison inconnue : choisissez une saison de la liste (par exemple 2026-2027)."


@dataclass(frozen=True)
class StatisticsPage:
    seasons: list[str]  # newest first
    statistics: Statistics | None  # None: no season exists yet


@dataclass(frozen=True)
class CsvFile:
    filename: str
    body: bytes


def _season(session, code: str | None):  # type: ignore[no-untyped-def]
    known = queries.seasons(session)
    if code:
        chosen = next((s for s in known if s.code == code), None)
        if chosen is None:
            raise UnknownSeason()
        return known, chosen
    return known, current_season(session, paris_today()) or (known[0] if known else None)


def _fold_ledger() -> int:
    """Folds the ledger entries written since the last visit into the monthly totals (the figures
    read the entries not folded yet anyway: this only keeps that tail short)."""
    with session_scope() as session:
        return ledger_totals.fold(session)


def fold_ledger() -> int:
    """The operators' command (`cjeune fold-ledger`): the catch-up after deployment, or a nightly
    run so that the first agent of the day folds little. Returns the number of entries folded."""
    return _fold_ledger()


def statistics_page(actor: Actor | None, season_code: str | None = None) -> StatisticsPage:
    """Every table of the season (the current one by default)."""
    require_role(actor, Role.AGENT)
    _fold_ledger()
    with session_scope(read_only=True) as session:
        known, season = _season(session, season_code)
        return StatisticsPage([s.code for s in known], season_statistics(session, season) if season else None)


def statistics_csv(actor: Actor | None, season_code: str, table: str) -> CsvFile:
    require_role(actor, Role.AGENT)
    try:
        wanted = StatisticsTable(table)
    except ValueError as error:
        raise NotFound() from error
    with session_scope(read_only=True) as session:
        _, season = _season(session, season_code)
        if season is None:
            raise UnknownSeason()
        body = table_csv(season_statistics(session, season), wanted)
    return CsvFile(f"statistiques-cjeune-{season.code}-{wanted.value}.csv", body.encode())
