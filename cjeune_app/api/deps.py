"""FastAPI dependencies: who is calling, resolved once per request and handed to the use cases.
Routes declare what they need with `Annotated[..., Depends(...)]`; tests override them through
`app.dependency_overrides`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cjeune_app.api.errors import ApiError
from cjeune_app.api.ratelimit import RateLimiter
from cjeune_app.core.accounts.web import token_from_cookies
from cjeune_app.core.actor import Actor
from cjeune_app.core.telemetry import log
from cjeune_app.core.use_cases import sessions
from cjeune_app.core.use_cases.api_keys import caller_for_api_key, identify_api_key

# --- Session cookie → Actor: the person signed in on the site (SameSite=Strict cookie) -------------


def session_token(request: Request) -> str | None:
    return token_from_cookies(request.cookies)


SessionToken = Annotated[str | None, Depends(session_token)]


def current_actor(token: SessionToken) -> Actor | None:
    """The signed-in actor, or None (a plain function: FastAPI runs it in its thread pool)."""
    return sessions.actor_for_session(token)


CurrentActor = Annotated[Actor | None, Depends(current_actor)]


# --- Partner API key → Actor ---------------------------------------------------------------------

bearer = HTTPBearer(auto_error=False, scheme_name="cleApi",
                    description="Clé d'API de la structure (Espace partenaire › Clés d'API) : "
                                "`Authorization: Bearer cjp_…`")
_limiter: RateLimiter | None = None


def rate_limiter() -> RateLimiter:
    """The requests allowed per key (counted in the shared storage of the settings); tests override it."""
    global _limiter
    if _limiter is None:
        _limiter = RateLimiter.from_environment()
    return _limiter


def partner_caller(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    limiter: Annotated[RateLimiter, Depends(rate_limiter)],
) -> Actor:
    """401 without a live key, 429 when the key sends too much, then the partner (403 unless validated)."""
    if credentials is None:
        log.warning("api_key_refused", reason="missing")
        raise ApiError(401, "unauthorized", "Authentification requise : envoyez l'en-tête "
                       "« Authorization: Bearer <clé d'API> » avec une clé créée dans l'espace partenaire.",
                       {"WWW-Authenticate": "Bearer"})
    key = identify_api_key(credentials.credentials)
    if key is None:
        log.warning("api_key_refused", reason="unknown_or_revoked")
        raise ApiError(401, "invalid_api_key", "Clé d'API inconnue ou révoquée : créez une nouvelle clé "
                       "dans l'espace partenaire (Clés d'API).", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    seconds = limiter.acquire(key.key_id)
    if seconds:
        log.warning("api_rate_limited", key_id=key.key_id, retry_after_seconds=seconds)
        raise ApiError(429, "too_many_requests", "Trop de requêtes avec cette clé d'API : réessayez dans "
                       f"{seconds} seconde(s).", {"Retry-After": str(seconds)})
    return caller_for_api_key(key)


Caller = Annotated[Actor, Depends(partner_caller)]
