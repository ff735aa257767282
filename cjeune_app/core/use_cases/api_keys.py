"""A partner's API keys: who calls the API (from the key it bears), and key management in the
partner space."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.actor import Actor
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.partners import api_keys
from cjeune_app.core.partners.api_keys import ApiCaller, ApiKeyView, authenticate_api_key, touch_api_key
from cjeune_app.core.partners.payments import validated_partner
from cjeune_app.core.permissions import require_partner

# API door


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

# Key management (partner space)


@dataclass(frozen=True)
class NewApiKey:
    key: ApiKeyView
    secret: str  # the whole key, shown this once only


def list_api_keys(actor: Actor | None) -> list[ApiKeyView]:
    """The structure's keys, active ones first, newest first."""
    partner_id = require_partner(actor)
    with session_scope(read_only=True) as session:
        return api_keys.api_keys_of(session, partner_id)


def create_api_key(actor: Actor | None, label: str = "") -> NewApiKey:
    partner_id = require_partner(actor)
    with session_scope() as session:
        key, secret = api_keys.create_api_key(session, partner_id, label)
        return NewApiKey(key, secret)


def revoke_api_key(actor: Actor | None, key_id: int) -> ApiKeyView:
    """The key stops working at once; revoking it again changes nothing."""
    partner_id = require_partner(actor)
    with session_scope() as session:
        return api_keys.revoke_api_key(session, partner_id, key_id)
