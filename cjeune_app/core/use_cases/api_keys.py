"""The partners' API door: who sends a request, from the key it bears."""

from __future__ import annotations

from sqlmodel import col, select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.actor import Actor
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.partners.api_keys import ApiCaller, authenticate_api_key, touch_api_key
from cjeune_app.core.partners.payments import validated_partner


def identify_api_key(presented: str | None) -> ApiCaller | None:
    """The key presented, if it is a live one (None: unknown, malformed or revoked)."""
    with session_scope(read_only=True) as session:
        return authenticate_api_key(session, presented)


def caller_for_api_key(caller: ApiCaller) -> Actor:
    """The actor of a request with a live key: its partner, refused unless the Département
    validated it; records when the key was last used (every few minutes at most)."""
    with session_scope(read_only=not caller.touch_due) as session:
        partner = validated_partner(session, caller.partner_id)
        account_id = session.exec(select(col(Account.id)).where(col(Account.partner_id) == partner.id)
                                  .order_by(col(Account.id))).first()
        if caller.touch_due:
            touch_api_key(session, caller.key_id)
    return Actor(account_id=account_id or 0, role=Role.PARTNER, display_name=partner.name,
                 partner_id=partner.id)
