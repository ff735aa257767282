"""The stepper of /inscription, one call per screen action, for the actor at the door.

Who may fill in the form for which pupil: the pupil themselves (signed in with their Eduprovence
account), or a parent for a child linked to their account (a parent account exists once a first
enrollment is completed, so for a parent this is a renewal or an update). Every call checks again.

    open_enrollment   opening /inscription (`child`: the `?enfant=` a parent chose)
    save_step         "Suivant" on steps 1 to 3
    finish            "Terminer" (step 4)
    go_back           "Précédent"
    towns_for_postal_code, towns_matching, address_suggestions   the towns and addresses of step 2
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, select

from cjeune_app.core.actor import Actor
from cjeune_app.core.dates import format_date, paris_today
from cjeune_app.core.db import session_scope
from cjeune_app.core.enrollment import api as enrollment
from cjeune_app.core.enrollment.addresses import MIN_QUERY_LENGTH, suggest_addresses_async
from cjeune_app.core.enrollment.communes import (
    CommuneOption,
    commune_name,
    communes_for_code,
    communes_matching,
)
from cjeune_app.core.enrollment.errors import SeasonNotFound
from cjeune_app.core.enrollment.models import STEP_COUNT, EnrollmentStatus
from cjeune_app.core.enrollment.validation import clean_postal_code
from cjeune_app.core.enrollment.views import EnrollmentView
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.use_cases.family_child import ChildChoice, family_actor, family_pupil, require_family_pupil
from cjeune_app.core.use_cases.photos import PhotoSummary, photo_summary
from cjeune_app.core.use_cases.seasons import amounts_of_season
from cjeune_app.core.use_cases.sessions import SessionDigest, actor_in

# Address suggestions start a little after the API's own minimum: fewer useless lookups.
ADDRESS_QUERY_MIN_LENGTH = MIN_QUERY_LENGTH + 2
MIN_TOWN_QUERY_LENGTH = 2


@dataclass(frozen=True)
class ChildIdentity:
    """Step 1's read-only identity, from the school."""

    last_name: str
    first_name: str
    birth_date: str  # 14/03/2013
    establishment: str
    class_name: str


@dataclass(frozen=True)
class EnrollmentScreen:
    pupil_id: int
    season_code: str
    previous_season: str  # "2024-2025" for 2025-2026: the card the welcome screen talks about
    view: EnrollmentView
    completed_on: str  # 31/08/2027, "" while a draft
    child: ChildIdentity
    photo: PhotoSummary
    advantages: str  # what the season credits, "150 €"

    @property
    def is_completed(self) -> bool:
        return self.view.status is EnrollmentStatus.COMPLETED

    @property
    def on_welcome(self) -> bool:
        """"Bienvenue" until step 1 is saved once; afterwards straight back to the saved step."""
        return not self.is_completed and self.view.current_step == 1


@dataclass(frozen=True)
class EnrollmentOpening:
    """The form of one child, or the children to choose among (a parent of several)."""

    screen: EnrollmentScreen | None = None
    children: tuple[ChildChoice, ...] = ()


@dataclass(frozen=True)
class StepSaved:
    errors: dict[str, str]  # field → French sentence, in the order of the fields; empty when saved
    step: int  # the step to show: the next one, or the one holding the errors
    completed: bool  # "Terminer" completed the enrollment
    view: EnrollmentView  # the draft as stored (the screen's child, photo and season did not change)
    completed_on: str = ""
    parent_mail: str = ""  # on completion, what was e-mailed to the guardian (accounts.parents.ParentMail)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class AddressOption:
    label: str
    street: str  # "" for a town of the local list
    postal_code: str
    insee: str
    city: str


def _season_code(session: Session) -> str:
    season = current_season(session, paris_today())
    if season is None:
        raise SeasonNotFound()
    return season.code


def _advantages(session: Session, season_code: str) -> str:
    season = session.exec(select(Season).where(Season.code == season_code)).first()
    if season is None:
        raise SeasonNotFound()
    return amounts_of_season(season).total


def _screen(session: Session, pupil_id: int, season_code: str, view: EnrollmentView | None = None) -> EnrollmentScreen:
    view = view or enrollment.start_or_resume(session, pupil_id, season_code)
    identity = enrollment.pupil_identity(session, pupil_id)
    start_year = int(season_code.split("-")[0])
    return EnrollmentScreen(
        pupil_id=pupil_id,
        season_code=season_code,
        previous_season=f"{start_year - 1}-{start_year}",
        view=view,
        completed_on=format_date(view.completed_at) if view.completed_at else "",
        child=ChildIdentity(identity.last_name, identity.first_name, identity.birth_date_text,
                            identity.establishment_name, identity.class_name),
        photo=photo_summary(session, pupil_id),
        advantages=_advantages(session, season_code),
    )


# ---------------------------------------------------------------------------------------------
# The stepper


def open_enrollment(actor: Actor | None, child: str | None) -> EnrollmentOpening:
    """The draft (created, pre-filled on a renewal, or found again on any device) of the pupil
    signed in or of the parent's chosen child."""
    actor = family_actor(actor)
    with session_scope() as session:
        season_code = _season_code(session)
        pupil = family_pupil(session, actor, child)
        if isinstance(pupil, tuple):
            return EnrollmentOpening(children=pupil)
        return EnrollmentOpening(screen=_screen(session, pupil, season_code))


def save_step(actor: Actor | SessionDigest | None, pupil_id: int, season_code: str, step: int,
              values: Mapping[str, object]) -> StepSaved:
    """"Suivant" (and "Terminer" on step 4): with errors nothing is stored and the errors come back.
    The actor may be given as the page's session digest: resolved in the same transaction."""
    with session_scope() as session:
        require_family_pupil(session, actor_in(session, actor), pupil_id)
        result = enrollment.save_step(session, pupil_id, season_code, step, values)
        # No re-read of what a step cannot change (identity, school, photo, season amounts).
        view = result.view
        return StepSaved(result.errors, result.step, view.is_completed and result.ok, view,
                         format_date(view.completed_at) if view.completed_at else "", result.parent_mail)


def finish(actor: Actor | SessionDigest | None, pupil_id: int, season_code: str, attested: object) -> StepSaved:
    """"Terminer": completed with the attestation ticked and the earlier steps valid (else the
    errors, on the step that holds them); the Parent account is then created or linked."""
    return save_step(actor, pupil_id, season_code, STEP_COUNT, {"attested": attested})


def go_back(actor: Actor | SessionDigest | None, pupil_id: int, season_code: str, step: int,
            values: Mapping[str, object] | None) -> int:
    """"Précédent": the step to show; what was typed is stored too when it is valid."""
    with session_scope() as session:
        require_family_pupil(session, actor_in(session, actor), pupil_id)
        return enrollment.go_back(session, pupil_id, season_code, values, from_step=step).current_step


# ---------------------------------------------------------------------------------------------
# Step 2's towns and addresses: public reference data (no personal data, no database)


def towns_for_postal_code(postal_code: str) -> list[CommuneOption]:
    """The towns behind a complete postal code ([] until it has 5 digits)."""
    code = clean_postal_code(postal_code)
    if len(code) != 5 or not code.isdigit():
        return []
    return communes_for_code(code)


def towns_matching(text: str, postal_code: str) -> list[CommuneOption]:
    text = (text or "").strip()
    if len(text) < MIN_TOWN_QUERY_LENGTH:
        return []
    return communes_matching(text, clean_postal_code(postal_code))


async def address_suggestions(text: str, postal_code: str, town_chosen: bool) -> list[AddressOption]:
    """The national address API's suggestions, or the local towns when it does not answer (those
    only while no town is chosen: they would offer nothing more)."""
    text = (text or "").strip()
    if len(text) < ADDRESS_QUERY_MIN_LENGTH:
        return []
    suggestions = await suggest_addresses_async(text, clean_postal_code(postal_code) or None)
    return [AddressOption(s.label, s.street, s.postal_code, s.citycode, commune_name(s.citycode) or s.city)
            for s in suggestions if s.source == "api" or not town_chosen]
