"""Whether a service is open for a school now: its campaign window (days in Paris time, the last
one included up to 23:59:59) and the school's opening. Checked on every action of a family."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from cjeune_app.core.dates import format_date, paris_today
from cjeune_app.core.db import utcnow
from cjeune_app.core.seasons.api import season_code_for
from cjeune_app.core.teleservices.catalogue import Teleservice, default_window, definition_of
from cjeune_app.core.teleservices.errors import ServiceClosed
from cjeune_app.core.teleservices.models import CampaignWindow, ServiceOpening

CLOSED_BY_SCHOOL = "fermé par l'établissement"


@dataclass(frozen=True)
class ServiceState:
    service: Teleservice
    label: str
    season_code: str
    is_open: bool
    opened_by_school: bool  # the school's choice (True for a service open by default)
    opens_on: dt.date | None  # the campaign window, None for a service open all year
    closes_on: dt.date | None
    changed_by: str  # who opened or closed it at the school, "" when nobody did
    changed_at: dt.datetime | None
    today: dt.date | None = None  # the Paris day the state was worked out for

    @property
    def window_text(self) -> str:
        if self.opens_on is None or self.closes_on is None:
            return "toute l'année"
        return f"du {format_date(self.opens_on)} au {format_date(self.closes_on)}"

    @property
    def status_text(self) -> str:
        """"Ouvert jusqu'au 21/10/2026", "Fermé (campagne du 01/09/2026 au 21/10/2026)", "Fermé par l'établissement"."""
        if self.is_open:
            return f"Ouvert jusqu'au {format_date(self.closes_on)}" if self.closes_on else "Ouvert toute l'année"
        if self.opens_on is None:
            return f"Fermé : aucune campagne n'est prévue pour l'année scolaire {self.season_code}"
        if not self.opened_by_school:
            return f"Fermé par l'établissement (campagne {self.window_text})"
        if self.today is not None and self.closes_on is not None and self.today > self.closes_on:
            return (f"Fermé : la campagne {self.season_code} s'est terminée le {format_date(self.closes_on)} "
                    f"(demandes {self.window_text})")
        return f"Fermé : ouverture le {format_date(self.opens_on)} (demandes {self.window_text})"

    @property
    def refusal_text(self) -> str:
        return f"{self.label} — {self.status_text}."


def current_season_code(now: dt.datetime | None = None) -> str:
    return season_code_for(paris_today(now))


def campaign_window(session: Session, service: Teleservice, season_code: str) -> CampaignWindow | None:
    return session.exec(select(CampaignWindow).where(
        CampaignWindow.service == service, CampaignWindow.season_code == season_code)).first()


def window_dates(session: Session, service: Teleservice, season_code: str) -> tuple[dt.date, dt.date] | None:
    """The window the Département set for that school year, else the catalogue's default dates."""
    window = campaign_window(session, service, season_code)
    if window is not None:
        return window.opens_on, window.closes_on
    return default_window(service, season_code)


def school_opening(session: Session, establishment_id: int, service: Teleservice,
                   season_code: str) -> ServiceOpening | None:
    return session.exec(select(ServiceOpening).where(
        ServiceOpening.establishment_id == establishment_id, ServiceOpening.service == service,
        ServiceOpening.season_code == season_code)).first()


def service_state(session: Session, service: Teleservice, establishment_id: int,
                  now: dt.datetime | None = None) -> ServiceState:
    now = now or utcnow()
    season_code = current_season_code(now)
    definition = definition_of(service)
    if definition.open_by_default:
        return ServiceState(service, definition.label, season_code, True, True, None, None, "", None)
    opening = school_opening(session, establishment_id, service, season_code)
    opened = opening is not None and opening.is_open
    by, at = (opening.changed_by_name, opening.changed_at) if opening is not None else ("", None)
    dates = window_dates(session, service, season_code)
    if dates is None:
        return ServiceState(service, definition.label, season_code, False, opened, None, None, by, at)
    today = paris_today(now)
    inside = dates[0] <= today <= dates[1]
    return ServiceState(service, definition.label, season_code, inside and opened, opened, dates[0], dates[1], by, at,
                        today)


def require_open(session: Session, service: Teleservice, establishment_id: int,
                 now: dt.datetime | None = None) -> ServiceState:
    """The state of an open service; ServiceClosed, saying why and the dates, otherwise."""
    state = service_state(session, service, establishment_id, now)
    if not state.is_open:
        raise ServiceClosed(state.refusal_text)
    return state
