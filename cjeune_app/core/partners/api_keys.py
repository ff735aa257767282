"""A partner's API keys: `cjp_<prefix>.<secret>`. The whole key is shown once, at creation; the
database keeps its prefix (to find the row) and a SHA-256 of the whole key (to check it).

A key carries 256 random bits: a plain SHA-256 is enough (no password stretching needed), and
the comparison is constant-time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from cjeune_app.core.db import utcnow
from cjeune_app.core.partners import errors
from cjeune_app.core.partners.models import ApiKey, Partner
from cjeune_app.core.partners.payments import validated_partner

KEY_START = "cjp_"
MAX_ACTIVE_KEYS = 20
LABEL_MAX = 100
TOUCH_EVERY = dt.timedelta(minutes=5)  # last_used_at is a hint, not a write on every call
_KEY_SHAPE = re.compile(r"cjp_([a-z2-7]{12})\.([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class ApiKeyView:
    id: int
    label: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class ApiCaller:
    """Who an API request comes from."""

    key_id: int
    partner_id: int
    touch_due: bool = False  # last_used_at is old enough to be written again


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _view(key: ApiKey) -> ApiKeyView:
    assert key.id is not None
    return ApiKeyView(key.id, key.label, key.prefix, key.created_at, key.last_used_at, key.revoked_at)


def _new_prefix() -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def create_api_key(
    session: Session, partner: Partner | int, label: str = "", *, now: dt.datetime | None = None,
) -> tuple[ApiKeyView, str]:
    """A new key; returns it with its secret, which is never shown again."""
    partner = validated_partner(session, partner)
    label = (label or "").strip() or "Clé d'API"
    if len(label) > LABEL_MAX or any(ord(c) < 32 for c in label):
        raise errors.FormInvalid(
            {"label": f"Le nom de la clé fait au plus {LABEL_MAX} caractères, sans caractère invisible."})
    active = session.exec(select(func.count()).select_from(ApiKey).where(
        ApiKey.partner_id == partner.id, col(ApiKey.revoked_at).is_(None))).one()
    if active >= MAX_ACTIVE_KEYS:
        raise errors.TooManyApiKeys(MAX_ACTIVE_KEYS)
    assert partner.id is not None
    prefix = _new_prefix()
    secret = f"{KEY_START}{prefix}.{secrets.token_urlsafe(32)}"
    key = ApiKey(partner_id=partner.id, label=label, prefix=KEY_START + prefix, secret_hash=_hash(secret),
                 created_at=now or utcnow())
    session.add(key)
    session.flush()
    return _view(key), secret


def revoke_api_key(
    session: Session, partner: Partner | int, key_id: int, *, now: dt.datetime | None = None
) -> ApiKeyView:
    """The key stops working at once. Revoking it again changes nothing."""
    partner_id = partner if isinstance(partner, int) else partner.id
    if not isinstance(key_id, int) or not 0 < key_id < 2**31:
        raise errors.ApiKeyNotFound()
    key = session.exec(select(ApiKey).where(ApiKey.id == key_id, ApiKey.partner_id == partner_id)).first()
    if key is None:
        raise errors.ApiKeyNotFound()
    if key.revoked_at is None:
        key.revoked_at = now or utcnow()
        session.add(key)
        session.flush()
    return _view(key)


def api_keys_of(session: Session, partner: Partner | int) -> list[ApiKeyView]:
    partner_id = partner if isinstance(partner, int) else partner.id
    keys = session.exec(select(ApiKey).where(ApiKey.partner_id == partner_id)
                        .order_by(col(ApiKey.revoked_at).is_not(None), col(ApiKey.created_at).desc(),
                                  col(ApiKey.id).desc())).all()
    return [_view(key) for key in keys]


def authenticate_api_key(
    session: Session, presented: str | None, *, now: dt.datetime | None = None
) -> ApiCaller | None:
    """The caller of a request bearing `presented`, or None (unknown, malformed or revoked key).
    Reads only: a read-only session is enough (see `touch_api_key`)."""
    match = _KEY_SHAPE.fullmatch(presented or "")
    if match is None:
        return None
    key = session.exec(select(ApiKey).where(ApiKey.prefix == KEY_START + match.group(1))).first()
    if key is None or key.revoked_at is not None or not hmac.compare_digest(key.secret_hash, _hash(match.group(0))):
        return None
    assert key.id is not None
    now = now or utcnow()
    touch_due = key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY
    return ApiCaller(key.id, key.partner_id, touch_due)


def touch_api_key(session: Session, key_id: int, *, now: dt.datetime | None = None) -> None:
    """Records when the key was last used (shown to the partner), at most every few minutes."""
    key = session.get(ApiKey, key_id)
    now = now or utcnow()
    if key is not None and (key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY):
        key.last_used_at = now
        session.add(key)


def create_known_api_key(session: Session, partner: Partner | int, secret: str, label: str) -> ApiKeyView:
    """Demo data only (core.demo): a key whose secret the caller chose, so that `seed-demo` prints
    the same working key at every run. Nothing else may choose a key's secret."""
    partner = validated_partner(session, partner)
    prefix = secret.split(".", 1)[0]
    existing = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if existing is not None:
        return _view(existing)
    assert partner.id is not None
    key = ApiKey(partner_id=partner.id, label=label, prefix=prefix, secret_hash=_hash(secret))
    session.add(key)
    session.flush()
    return _view(key)
