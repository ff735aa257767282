"""What the /inscription page asks core, one plain dict per answer (no ORM object leaves here).

Every call takes the browser's session token and checks again who may fill in the form for
which pupil: the pupil themselves, or a parent for a child linked to their account (a parent
account exists once a first enrollment is completed, so for a parent this is a renewal or an
update). The page's state only ever holds what these functions return.
"""

from __future__ import annotations

from sqlmodel import Session

from cjeune_app.core.accounts.parents import children_of
from cjeune_app.core.accounts.permissions import can_see_pupil
from cjeune_app.core.dates import format_date, paris_today
from cjeune_app.core.db import session_scope
from cjeune_app.core.enrollment import api as enrollment
from cjeune_app.core.enrollment.errors import EnrollmentError, SeasonNotFound
from cjeune_app.core.enums import Role
from cjeune_app.core.partners.sign_in import account_for_token
from cjeune_app.core.photos.api import photo_state
from cjeune_app.core.seasons.api import current_season
from cjeune_app.core.territory import (
    Commune,
    all_communes,
    commune_by_insee,
    communes_for_postal_code,
    search_communes,
)
from cjeune_app.core.territory.api import MARSEILLE_INSEE
from cjeune_app.core.text import fold

FAMILY_ROLES = {Role.PUPIL, Role.PARENT}
NOT_FOR_THIS_ACCOUNT = (
    "L'inscription se fait avec le compte Eduprovence du collégien, ou avec le compte Parent de "
    "son représentant légal."
)
CHILD_NOT_FOUND = "Nous ne trouvons pas cet enfant parmi ceux rattachés à votre compte Parent."
# A typed town that is no commune of the 13: core answers with the seed's sentence for it.
NOT_A_COMMUNE_OF_THE_13 = "00000"


class Refused(Exception):
    def __init__(self, message: str, sign_in: bool = False):
        super().__init__(message)
        self.message, self.sign_in = message, sign_in


def _family_account(session: Session, token: str):
    account = account_for_token(session, token)
    if account is None:
        raise Refused("", sign_in=True)
    if account.role not in FAMILY_ROLES:
        raise Refused(NOT_FOR_THIS_ACCOUNT)
    return account


def _season_code(session: Session) -> str:
    season = current_season(session, paris_today())
    if season is None:
        raise Refused(SeasonNotFound.message)
    return season.code


def _check(session: Session, token: str, pupil_id: int) -> None:
    account = _family_account(session, token)
    if not can_see_pupil(session, account, pupil_id):
        raise Refused(CHILD_NOT_FOUND)


def photo_summary(session: Session, pupil_id: int) -> dict:
    state = photo_state(session, pupil_id)
    return {"state": state.state, "label": state.label, "reason": state.rejection_reason or "",
            "url": f"/api/v1/photos/{state.photo_id}" if state.photo_id else ""}


def _screen(session: Session, pupil_id: int, season_code: str, view=None) -> dict:
    view = view or enrollment.start_or_resume(session, pupil_id, season_code)
    identity = enrollment.pupil_identity(session, pupil_id)
    start_year = int(season_code.split("-")[0])
    return {
        "pupil_id": pupil_id,
        "season_code": season_code,
        "previous_season": f"{start_year - 1}-{start_year}",
        "view": view.as_dict(),
        "completed_on": format_date(view.completed_at) if view.completed_at else "",
        "child": {"last_name": identity.last_name, "first_name": identity.first_name,
                  "birth_date": identity.birth_date_text, "establishment": identity.establishment_name,
                  "class_name": identity.class_name},
        "commune_name": view.commune_name,
        "photo": photo_summary(session, pupil_id),
    }


def _family_pupil(session: Session, account, child: str | None) -> int | list[dict]:
    """The pupil the page is about: the pupil signed in, or a parent's child (chosen by
    `child` among several; the list of children when none was chosen)."""
    if account.role == Role.PUPIL:
        return account.pupil_id
    children = children_of(session, account)
    chosen = [c for c in children if str(c.id) == (child or "")]
    if (child and not chosen) or not children:
        raise Refused(CHILD_NOT_FOUND)
    if len(children) > 1 and not chosen:
        return [{"id": str(c.id), "name": f"{c.first_name} {c.last_name}"} for c in children]
    return (chosen or children)[0].id


def open_enrollment(token: str, child: str | None) -> dict:
    """The screen to show: {"screen": {...}}, {"choose": [children]} for a parent of several
    children who did not pick one, or {"refused": message, "sign_in": bool}."""
    try:
        with session_scope() as session:
            account = _family_account(session, token)
            season_code = _season_code(session)
            pupil = _family_pupil(session, account, child)
            if isinstance(pupil, list):
                return {"choose": pupil}
            return {"screen": _screen(session, pupil, season_code)}
    except Refused as refused:
        return {"refused": refused.message, "sign_in": refused.sign_in}
    except EnrollmentError as problem:
        return {"refused": problem.message, "sign_in": False}


def open_photo(token: str, child: str | None) -> dict:
    """For /photo: {"pupil_id", "child_name", "photo"}, {"choose": [...]} or {"refused"}."""
    try:
        with session_scope() as session:
            pupil = _family_pupil(session, _family_account(session, token), child)
            if isinstance(pupil, list):
                return {"choose": pupil}
            identity = enrollment.pupil_identity(session, pupil)
            return {"pupil_id": pupil, "child_name": f"{identity.first_name} {identity.last_name}",
                    "photo": photo_summary(session, pupil)}
    except Refused as refused:
        return {"refused": refused.message, "sign_in": refused.sign_in}


def save(token: str, pupil_id: int, season_code: str, step: int, values: dict) -> dict:
    """"Suivant" (and "Terminer" on step 4): {"errors", "step", "screen"} or {"refused"}."""
    try:
        with session_scope() as session:
            _check(session, token, pupil_id)
            result = enrollment.save_step(session, pupil_id, season_code, step, values)
            return {"errors": result.errors, "step": result.step,
                    "completed": result.view.is_completed and result.ok,
                    "screen": _screen(session, pupil_id, season_code, result.view)}
    except Refused as refused:
        return {"refused": refused.message, "sign_in": refused.sign_in}


def back(token: str, pupil_id: int, season_code: str, step: int, values: dict | None) -> dict:
    try:
        with session_scope() as session:
            _check(session, token, pupil_id)
            view = enrollment.go_back(session, pupil_id, season_code, values, from_step=step)
            return {"step": view.current_step}
    except Refused as refused:
        return {"refused": refused.message, "sign_in": refused.sign_in}


def current_photo(token: str, pupil_id: int) -> dict:
    try:
        with session_scope() as session:
            _check(session, token, pupil_id)
            return photo_summary(session, pupil_id)
    except Refused as refused:
        return {"refused": refused.message, "sign_in": refused.sign_in}


# ---------------------------------------------------------------------------------------------
# Towns of step 2 (plain data from the vendored list; no database)


def commune_option(commune: Commune, postal_code: str = "") -> dict:
    codes = commune.postal_codes
    shown = postal_code if postal_code in codes else ", ".join(codes[:4]) + (" …" if len(codes) > 4 else "")
    return {"insee": commune.insee_code, "name": commune.name, "label": f"{commune.name} ({shown})",
            "postal_code": postal_code if postal_code in codes else (codes[0] if len(codes) == 1 else "")}


def communes_for_code(postal_code: str) -> list[dict]:
    """The communes of the 13 behind a postal code; Marseille's arrondissement rather than the
    whole city when the code names one."""
    found = communes_for_postal_code(postal_code)
    if any(c.kind != "commune" for c in found):
        found = [c for c in found if c.insee_code != MARSEILLE_INSEE]
    return [commune_option(c, postal_code) for c in found]


def communes_matching(text: str, postal_code: str = "") -> list[dict]:
    return [commune_option(c, postal_code) for c in search_communes(text, limit=6)]


def commune_name(insee: str) -> str:
    commune = commune_by_insee(insee)
    return commune.name if commune else ""


def resolve_commune(typed: str, postal_code: str) -> str:
    """The INSEE code of a town typed without picking it from the list: its exact name among the
    communes of the 13 ("" when the name is close to some of them, so that the parent is asked
    to pick one; NOT_A_COMMUNE_OF_THE_13 when it matches none)."""
    name = fold(typed)
    if not name:
        return ""
    same = [c for c in all_communes() if fold(c.name) == name]
    serving = [c for c in same if postal_code in c.postal_codes]
    if serving or same:
        return (serving or same)[0].insee_code
    return "" if search_communes(typed, limit=1) else NOT_A_COMMUNE_OF_THE_13
