"""Card stock per collège: cards issued, associated to a youth, and left in stock."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cjeune_app.core.cards.models import Card
from cjeune_app.core.enums import CardStatus
from cjeune_app.core.establishments.models import Establishment
from cjeune_app.core.territory import commune_by_insee


@dataclass(frozen=True)
class SchoolStock:
    establishment_id: int
    uai: str
    name: str
    commune: str
    issued: int
    associated: int  # active or blocked: given to a youth
    left: int  # in stock


def stock_per_school(session: Session) -> list[SchoolStock]:
    """Every establishment, with zeros for those without cards, by name."""
    counts: dict[int, dict[str, int]] = {}
    for establishment_id, status, count in session.exec(
        select(col(Card.establishment_id), col(Card.status), sa.func.count())
        .where(col(Card.establishment_id).is_not(None)).group_by(col(Card.establishment_id), col(Card.status))
    ).all():
        if establishment_id is not None:
            counts.setdefault(establishment_id, {})[status] = int(count)
    rows = []
    for school in session.exec(select(Establishment).order_by(col(Establishment.name), col(Establishment.id))).all():
        assert school.id is not None
        by_status = counts.get(school.id, {})
        commune = commune_by_insee(school.commune_insee)
        rows.append(SchoolStock(
            school.id, school.uai, school.name, commune.name if commune else school.commune_insee,
            issued=sum(by_status.values()),
            associated=by_status.get(CardStatus.ACTIVE, 0) + by_status.get(CardStatus.BLOCKED, 0),
            left=by_status.get(CardStatus.STOCK, 0),
        ))
    return rows
