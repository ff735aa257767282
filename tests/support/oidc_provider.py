"""A real OpenID Connect provider on 127.0.0.1 standing in for FranceConnect: `oidc-provider-mock`
(Authlib's server side) in a thread. Real discovery, real RS256-signed ID tokens, a real login form
(a `sub` to type, "Authorize" or "Deny"), a real end-session endpoint.

`RogueKeys` serves the same discovery document with `jwks_uri` pointing at a key set of its own:
the same key id, another RSA key. Tokens the provider signs then fail their signature check. With
`audience`, it also stands in for the token endpoint: the genuine answer's ID token is signed again
with its own (published) key for another audience, so that only the `aud` claim is wrong.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import oidc_provider_mock
import werkzeug.serving
from joserfc import jwt
from joserfc.jwk import RSAKey

SCOPES = "openid profile email"  # the provider's standard scopes (FranceConnect's are given_name...)
CLIENT_ID = "cjeune-tests"
CLIENT_SECRET = "secret-de-test"


class OidcProvider:
    def __init__(self, token_max_age: dt.timedelta = dt.timedelta(hours=1)):
        app = oidc_provider_mock.app(require_nonce=True, access_token_max_age=token_max_age)
        self.server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> OidcProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings_env(self, issuer: str | None = None) -> dict[str, str]:
        """The app's environment to use this provider."""
        return {"CJEUNE_FRANCECONNECT_ISSUER": issuer or self.url, "CJEUNE_FRANCECONNECT_CLIENT_ID": CLIENT_ID,
                "CJEUNE_FRANCECONNECT_CLIENT_SECRET": CLIENT_SECRET, "CJEUNE_FRANCECONNECT_SCOPES": SCOPES}

    def add_person(self, sub: str, given_name: str, family_name: str) -> None:
        response = httpx.put(f"{self.url}/users/{quote(sub, safe='')}",
                             json={"given_name": given_name, "family_name": family_name, "email": f"{sub}@exemple.fr"})
        response.raise_for_status()

    def authorize(self, authorization_url: str, sub: str) -> dict[str, str]:
        """What a person does on the provider's form: confirms as `sub`. Returns the query of the
        redirect back to the site (code and state)."""
        return self._answer(httpx.post(authorization_url, data={"sub": sub}))

    def deny(self, authorization_url: str) -> dict[str, str]:
        return self._answer(httpx.post(authorization_url, data={"action": "deny"}))

    @staticmethod
    def _answer(response: httpx.Response) -> dict[str, str]:
        assert response.status_code == 302, response.text
        return {key: values[0] for key, values in parse_qs(urlsplit(response.headers["location"]).query).items()}


class RogueKeys:
    """The provider's discovery document, but its keys replaced by another key under the same id
    (or, with `issuer`, the genuine keys and another issuer announced)."""

    def __init__(self, provider: OidcProvider, issuer: str | None = None, audience: str | None = None):
        metadata = httpx.get(f"{provider.url}/.well-known/openid-configuration").json()
        token_endpoint = metadata["token_endpoint"]
        genuine = httpx.get(metadata["jwks_uri"]).json()["keys"][0]
        impostor = RSAKey.generate_key(2048, parameters={"kid": genuine.get("kid"), "use": "sig", "alg": "RS256"},
                                       private=True)
        documents: dict[str, bytes] = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = documents.get(urlsplit(self.path).path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def do_POST(self):  # the token endpoint (with `audience`)
                form = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                genuine_answer = httpx.post(token_endpoint, content=form,
                                            headers={"Content-Type": self.headers.get("Content-Type", "")})
                answer = genuine_answer.json()
                if genuine_answer.status_code == 200 and audience:
                    claims = json.loads(base64.urlsafe_b64decode(answer["id_token"].split(".")[1] + "=="))
                    answer["id_token"] = jwt.encode({"alg": "RS256", "kid": impostor.kid},
                                                    {**claims, "aud": audience}, impostor)
                body = json.dumps(answer).encode()
                self.send_response(genuine_answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        altered: dict[str, str] = {"issuer": issuer} if issuer else {"jwks_uri": f"{self.url}/jwks"}
        if audience:
            altered["token_endpoint"] = f"{self.url}/token"
        documents["/.well-known/openid-configuration"] = json.dumps({**metadata, **altered}).encode()
        documents["/jwks"] = json.dumps({"keys": [impostor.as_dict(private=False)]}).encode()
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> RogueKeys:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
