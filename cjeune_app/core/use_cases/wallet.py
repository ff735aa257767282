"""The agents' money operations on a whole season."""

from __future__ import annotations

from sqlmodel import select

from cjeune_app.core.actor import Actor
from cjeune_app.core.audit import AuditAction, AuditTarget, record
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import NotFound
from cjeune_app.core.permissions import require_role
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet.api import ExpiryReport, expire_season


class SeasonNotFound(NotFound):
    code = "season_unknown"

    def __init__(self, code: str) -> None:
        super().__init__(f"La saison {code} n'existe pas.")


def close_season(actor: Actor | None, code: str) -> ExpiryReport:
    """Expires what is left on every wallet of a finished season (refused before its end)."""
    require_role(actor, Role.AGENT)
    with session_scope() as session:
        season = session.exec(select(Season).where(Season.code == code)).first()
        if season is None:
            raise SeasonNotFound(code)
        report = expire_season(session, season)
        record(session, actor, AuditAction.SEASON_CLOSED, target_kind=AuditTarget.SEASON, target_id=season.id,
               target_label=f"Saison {season.code}")
        return report
