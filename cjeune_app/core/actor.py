"""Who is acting: resolved once per request or screen event (from the session cookie or the API
key) into this small typed value, then handed to every use case. It holds no secret and no ORM
object, so a door may keep it for the length of one event."""

from __future__ import annotations

from dataclasses import dataclass

from cjeune_app.core.enums import Role


@dataclass(frozen=True)
class Actor:
    account_id: int
    role: Role
    display_name: str  # first name, or the structure's name for a partner
    pupil_id: int | None = None  # a collégien·ne's own record
    partner_id: int | None = None  # a partner's structure
    establishment_id: int | None = None  # school staff's school

    def is_(self, *roles: Role) -> bool:
        return self.role in roles
