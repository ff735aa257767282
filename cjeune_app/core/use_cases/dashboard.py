"""The dashboard of the signed-in person and of a chosen child, and the "which youth is this page
about" step every family page starts with (`chosen_child`, run inside the page's use case)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.actor import Actor
from cjeune_app.core.dashboard import youth
from cjeune_app.core.dashboard.youth import Child, YouthDashboard, pupils_of
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden
from cjeune_app.core.partners import public
from cjeune_app.core.partners.public import PublicOffer
from cjeune_app.core.permissions import require_pupil_access, require_signed_in
from cjeune_app.core.search import OfferHit, SearchQuery
from cjeune_app.core.search import search as search_partners
from cjeune_app.core.territory.api import commune_by_insee
from cjeune_app.core.use_cases.family import PageRead
from cjeune_app.routes import row_id

BOARD_ROLES = (Role.PUPIL, Role.PARENT)  # the roles whose home page shows a youth's board


@dataclass(frozen=True)
class FamilyScreen:
    """The youth a family page is about, as the signed-in person may see it."""

    actor: Actor
    child: Child

    @property
    def child_query(self) -> str:
        """Links about a parent's child name it; a youth's own pages need no id."""
        return f"?enfant={self.child.pupil_id}" if self.actor.role is Role.PARENT else ""


@dataclass(frozen=True)
class YouthSpace:
    """The "Jeune" (15-25) space: bons plans in their commune, and the ones ending soon."""

    commune_name: str
    near: list[PublicOffer]
    ending_soon: list[PublicOffer]


@dataclass(frozen=True)
class Dashboard:
    children: list[Child]  # a parent's children to switch between (empty for others)
    board: YouthDashboard | None
    forbidden: bool  # the child asked for is not this person's to see
    youth_space: YouthSpace | None = None  # for a Jeune


def chosen_pupil(session: Session, actor: Actor | None, wanted: int | str | None) -> Child:
    """The youth a page is about: the one asked for (`?enfant=` of a parent's links) if this actor
    may see it, else the actor's first. Forbidden for an id it may not see (whether or not it
    exists) or when it has no youth at all."""
    actor = require_signed_in(actor)
    if wanted not in (None, ""):
        pupil_id = row_id(wanted)
        if pupil_id is None:  # not a number, or beyond any id: names no one this actor may see
            raise Forbidden()
        pupil = require_pupil_access(session, actor, pupil_id)
        assert pupil.id is not None
        return Child(pupil.id, pupil.first_name, pupil.last_name)
    pupils = pupils_of(session, actor)
    if not pupils:
        raise Forbidden()
    return pupils[0]


def chosen_child(session: Session, actor: Actor | None, wanted: int | str | None) -> FamilyScreen:
    """The signed-in person and the youth the page is about: NotSignedIn, or Forbidden when that
    youth is not theirs to see (or they have none)."""
    actor = require_signed_in(actor)
    return FamilyScreen(actor, chosen_pupil(session, actor, wanted))


def youth_dashboard(session: Session, actor: Actor | None, pupil_id: int | None,
                    today: dt.date | None = None) -> YouthDashboard:
    """The dashboard of `pupil_id` as `actor` may see it (Forbidden/NotSignedIn otherwise: a parent
    never reads another family's child, whatever id is asked for)."""
    return youth.youth_dashboard(session, require_pupil_access(session, actor, pupil_id), today)


ENDING_SOON_SHOWN = 5


def _youth_space(session: Session, actor: Actor) -> YouthSpace:
    account = session.get(Account, actor.account_id)
    insee = (account.commune_insee if account else None) or ""
    commune = commune_by_insee(insee) if insee else None
    near = public.offers_in_commune(session, insee) if insee else []
    ending, _ = public.current_offers(session, limit=ENDING_SOON_SHOWN)
    return YouthSpace(commune.name if commune else "", near, ending)


NEAR_POSITION_SHOWN = 10


@dataclass(frozen=True)
class NearbyOffer:
    """A bon plan around the youth's position ("Autour de moi"), with how far its partner is."""

    offer: OfferHit
    partner_id: int
    partner_name: str
    commune_name: str
    distance_km: float


def offers_near_position(actor: Actor | None, latitude: float, longitude: float,
                         limit: int = NEAR_POSITION_SHOWN) -> list[NearbyOffer]:
    """The current bons plans nearest to the position the browser gave, nearest first (the search
    index's "autour de moi": partners with offers sorted by distance). SearchError for a position
    that is not one."""
    require_signed_in(actor)
    with session_scope(read_only=True) as session:
        page = search_partners(session, SearchQuery(offers_only=True, lat=latitude, lon=longitude, sort="distance",
                                                    page_size=limit))
    found = [NearbyOffer(offer, hit.id, hit.name, hit.commune_name, hit.distance_km or 0.0)
             for hit in page.results for offer in hit.offers]
    return found[:limit]


def _board(session: Session, actor: Actor, wanted: str | None, children: list[Child]) -> YouthDashboard:
    """The board of the youth asked for, or the actor's first (Forbidden as `chosen_pupil` says)."""
    if wanted in (None, ""):
        if actor.role in (Role.PUPIL, Role.YOUTH):  # their own: no other check to make
            own = youth.board_of(session, actor.pupil_id) if actor.pupil_id is not None else None
        else:  # a parent's children were just read: their first
            own = youth.board_of(session, children[0].pupil_id) if children else None
        if own is None:
            raise Forbidden()
        return own
    return youth_dashboard(session, actor, chosen_pupil(session, actor, wanted).pupil_id)


def dashboard_in(session: Session, actor: Actor, wanted: str | None,
                 parent_children: Sequence[Child] | None = None) -> Dashboard:
    """`dashboard` in a unit of work already open (`parent_children`: a parent's children when the
    caller already read them)."""
    children = (list(parent_children) if parent_children is not None else pupils_of(session, actor)) \
        if actor.role is Role.PARENT else []
    if actor.role is Role.YOUTH:  # the bons plans, and their card if their account keeps a pupil record
        board = youth.board_of(session, actor.pupil_id) if actor.pupil_id is not None else None
        return Dashboard(children, board, False, _youth_space(session, actor))
    if actor.role not in BOARD_ROLES:
        return Dashboard(children, None, False)
    try:
        return Dashboard(children, _board(session, actor, wanted, children), False)
    except Forbidden:
        return Dashboard(children, None, bool(wanted))


def dashboard(actor: Actor | None, wanted: str | None) -> Dashboard:
    actor = require_signed_in(actor)
    with session_scope(read_only=True) as session:
        return dashboard_in(session, actor, wanted)


def dashboard_read(wanted: str | None) -> PageRead:
    """The dashboard as the page's opening reads it (`family.open_page`): the parent's children come
    from the header, read in the same unit of work."""
    return lambda session, actor, header: dashboard_in(session, actor, wanted, header.pupils)
