"""Schools: looking one up. The pupils' accounts they create live in `core.accounts`."""

from __future__ import annotations

from sqlmodel import Session, select

from cjeune_app.core.establishments.models import Establishment


def establishment_by_uai(session: Session, uai: str) -> Establishment | None:
    return session.exec(select(Establishment).where(Establishment.uai == uai.strip().upper())).first()
