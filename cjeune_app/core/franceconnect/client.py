"""The OpenID Connect client of FranceConnect, through Authlib: discovery of the provider's
endpoints and keys, the authorization URL (state, nonce, PKCE S256), the code exchange at the token
endpoint and the ID token's checks (signature against the provider's published keys, then `iss`,
`aud`, `exp`, `iat` and `nonce`), and the end-session URL of the sign-out.

Nothing here is hand-written cryptography or JWT parsing: Authlib's framework-free OAuth 2 app
(`OAuth2Mixin`, `OpenIDMixin`) over its `requests` session does the protocol. This module only
turns its failures into our refusals.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import BaseApp, OAuth2Mixin, OAuthError, OpenIDMixin
from authlib.integrations.requests_client import OAuth2Session
from joserfc.errors import JoseError

from cjeune_app.core.franceconnect.errors import (
    AnswerNotTrusted,
    FranceConnectUnavailable,
    ProviderRefused,
    ProviderUnreachable,
)
from cjeune_app.core.settings import settings

TIMEOUT_S = 10
DISCOVERY_MAX_AGE_S = 3600  # endpoints and keys are read again at least hourly
CLOCK_LEEWAY_S = 60  # tolerated clock difference with the provider on `exp` and `iat`


class _OpenIdApp(OAuth2Mixin, OpenIDMixin, BaseApp):  # type: ignore[misc]
    """Authlib's OAuth 2 + OpenID Connect client app, without a web framework."""

    client_cls = OAuth2Session


@dataclass(frozen=True)
class ProviderConfig:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class Authorization:
    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class VerifiedIdentity:
    sub: str
    given_name: str
    family_name: str
    id_token: str


def configured() -> ProviderConfig:
    config = settings()
    if not config.franceconnect_enabled:
        raise FranceConnectUnavailable()
    return ProviderConfig(config.franceconnect_issuer, config.franceconnect_client_id,
                          config.franceconnect_client_secret, config.franceconnect_scopes)


_apps: dict[ProviderConfig, tuple[float, _OpenIdApp]] = {}
_apps_lock = threading.Lock()


def _app(config: ProviderConfig) -> _OpenIdApp:
    """One Authlib app per configuration; its discovery document (and keys) is kept an hour."""
    with _apps_lock:
        loaded_at, app = _apps.get(config, (0.0, None))
        if app is None or time.monotonic() - loaded_at > DISCOVERY_MAX_AGE_S:
            app = _OpenIdApp(
                None, name="franceconnect", client_id=config.client_id, client_secret=config.client_secret,
                server_metadata_url=config.discovery_url,
                client_kwargs={"scope": config.scopes, "code_challenge_method": "S256",
                               "token_endpoint_auth_method": "client_secret_post", "default_timeout": TIMEOUT_S},
            )
            _apps[config] = (time.monotonic(), app)
    return app


def _metadata(app: _OpenIdApp) -> dict[str, Any]:
    try:
        metadata: dict[str, Any] = app.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnreachable() from error
    if "issuer" not in metadata or "authorization_endpoint" not in metadata:
        raise ProviderUnreachable()
    return metadata


def authorization(config: ProviderConfig, redirect_uri: str) -> Authorization:
    """Where to send the browser: the authorization endpoint with a fresh state, nonce and PKCE
    challenge (Authlib draws them; the verifier and nonce are returned to be kept server-side)."""
    app = _app(config)
    _metadata(app)
    created = app.create_authorization_url(redirect_uri)
    return Authorization(url=created["url"], state=created["state"], nonce=created["nonce"],
                         code_verifier=created["code_verifier"])


def verified_identity(config: ProviderConfig, redirect_uri: str, code: str, code_verifier: str,
                      nonce: str) -> VerifiedIdentity:
    """Exchanges the code (with the PKCE verifier) and checks the ID token; raises a refusal when
    the provider says no or when the token fails any check."""
    app = _app(config)
    _metadata(app)
    try:
        token = app.fetch_access_token(redirect_uri=redirect_uri, code=code, code_verifier=code_verifier)
    except OAuthError as error:  # the token endpoint's own error (invalid_grant...)
        raise ProviderRefused() from error
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnreachable() from error
    try:
        claims = app.parse_id_token(token, nonce=nonce, leeway=CLOCK_LEEWAY_S)
    except (JoseError, AuthlibBaseError, ValueError) as error:
        raise AnswerNotTrusted() from error
    except requests.RequestException as error:  # the keys could not be fetched
        raise ProviderUnreachable() from error
    if claims is None or not claims.get("sub"):
        raise AnswerNotTrusted()
    return VerifiedIdentity(sub=str(claims["sub"]), given_name=str(claims.get("given_name") or ""),
                            family_name=str(claims.get("family_name") or ""), id_token=token["id_token"])


def logout_url(config: ProviderConfig, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session URL with `id_token_hint` (None when it offers none or is down:
    the session on this site is closed all the same)."""
    app = _app(config)
    try:
        if not _metadata(app).get("end_session_endpoint"):
            return None
    except ProviderUnreachable:
        return None
    created = app.create_logout_url(post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token)
    return str(created["url"])
