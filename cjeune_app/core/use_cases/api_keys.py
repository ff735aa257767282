"""A partner's API keys."""

from __future__ import annotations

from dataclasses import dataclass

from cjeune_app.core.actor import Actor
from cjeune_app.core.db import session_scope
from cjeune_app.core.partners import api_keys
from cjeune_app.core.partners.api_keys import ApiKeyView
from cjeune_app.core.permissions import require_partner

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
