"""A world for the partner tests: youths whose cards are associated (100 € Sport & Culture, 50 €
Soutien scolaire), a blocked card, a card still in stock, and partners of each kind of category.
Built with the real operations (association credits the season) on the test's database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session

from cjeune_app.core.cards.association import associate_card
from cjeune_app.core.cards.loss import declare_lost
from cjeune_app.core.db import session_scope
from tests.core.partners.builders import add_partner
from tests.support.money_world import build_world


@dataclass
class PartnerWorld:
    season_id: int
    season_code: str
    card: str  # active, first name "Test"
    second_card: str  # another youth's active card
    blocked_card: str
    stock_card: str
    pupil_id: int
    second_pupil_id: int
    sport: int  # partner ids
    tutoring: int
    both: int
    pending: int


def _club(session: Session, name: str, categories: list[str], status: str = "validated") -> int:
    """A structure of the world (its id): in Aix, at the stadium."""
    return add_partner(session, name, categories, status=status, address="1 rue du Stade", postal_code="13100").id


def build_partner_world(session: Session) -> PartnerWorld:
    world = build_world(session, youths=3, cards=6)
    first, second, third = world.youths
    with session_scope() as s:
        for youth, number in zip(world.youths, world.cards[:len(world.youths)], strict=True):
            associate_card(s, youth.parent_account_id, youth.pupil_id, number, uuid.uuid4().hex)
    with session_scope() as s:
        card_id = associate_card(s, third.parent_account_id, third.pupil_id, world.cards[2], uuid.uuid4().hex).card_id
        declare_lost(s, third.parent_account_id, third.pupil_id, card_id, "perte")
    with session_scope() as s:
        ids = dict(
            sport=_club(s, "Judo Club d'Aix", ["sport"]),
            tutoring=_club(s, "Cours Réussite Aix", ["soutien_scolaire"]),
            both=_club(s, "Maison des Jeunes d'Aix", ["culture", "soutien_scolaire"]),
            pending=_club(s, "Club en attente", ["sport"], status="pending"),
        )
    return PartnerWorld(world.season.id, world.season.code, world.cards[0], world.cards[1], world.cards[2],
                        world.cards[3], first.pupil_id, second.pupil_id, **ids)
