"""The catalogue of online services (data): what each one is, whether it is open by default and
whether a school may close it, whether it runs during a campaign window of the Département."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Teleservice(StrEnum):
    FICHE_RENSEIGNEMENTS = "fiche_renseignements"
    BOURSE_COLLEGE = "bourse_college"


@dataclass(frozen=True)
class ServiceDefinition:
    service: Teleservice
    label: str
    description: str
    open_by_default: bool  # open without a school's action (and then not closable)
    has_campaign: bool  # only inside the Département's window of the school year
    # The default window of a campaign, (month, day) of its first and last days, for a new school year.
    default_window: tuple[tuple[int, int], tuple[int, int]] | None = None

    @property
    def closable(self) -> bool:
        return not self.open_by_default


CATALOGUE: tuple[ServiceDefinition, ...] = (
    ServiceDefinition(
        Teleservice.FICHE_RENSEIGNEMENTS, "Fiche de renseignements",
        "Vérifier et corriger les coordonnées de l'élève et de ses responsables légaux.",
        open_by_default=True, has_campaign=False,
    ),
    ServiceDefinition(
        Teleservice.BOURSE_COLLEGE, "Demande de bourse de collège",
        "Demander la bourse de collège pour l'année scolaire (la demande papier, formulaire CERFA, "
        "reste possible au secrétariat).",
        open_by_default=False, has_campaign=True, default_window=((9, 1), (10, 21)),
    ),
)

_BY_SERVICE = {definition.service: definition for definition in CATALOGUE}


def definition_of(service: Teleservice) -> ServiceDefinition:
    return _BY_SERVICE[service]


def service_from(text: object) -> Teleservice | None:
    try:
        return Teleservice(str(text))
    except ValueError:
        return None


def default_window(service: Teleservice, season_code: str) -> tuple[dt.date, dt.date] | None:
    """1 September → 21 October of the school year's first calendar year, for the bourse."""
    window = definition_of(service).default_window
    if window is None:
        return None
    year = int(season_code.split("-")[0])
    (first_month, first_day), (last_month, last_day) = window
    return dt.date(year, first_month, first_day), dt.date(year, last_month, last_day)
