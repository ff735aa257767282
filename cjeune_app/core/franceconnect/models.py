"""Tables of FranceConnect sign-in.

- `FranceConnectLogin`: a login under way, from the redirect to the provider until its answer.
  Only the sha256 of `state` (the key the browser brings back) and of the browser binding
  (an HttpOnly cookie) are stored. The nonce and the PKCE verifier must be read back in clear
  (the verifier is sent to the token endpoint, the nonce compared with the ID token's); they stay
  on the server, and the row is deleted when the answer comes back or once it expired.
- `FranceConnectArrival`: an identity confirmed by FranceConnect and not linked yet (first visit),
  while the guardian proves which Parent they are (mobile, SMS code, children's birth dates).
- `FranceConnectIdentity`: the link `sub` → Parent account (one each way).
- `FranceConnectSession`: the ID token of an app session opened through FranceConnect, kept here
  (never in the browser's state) for the `id_token_hint` of the sign-out at the provider.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class FranceConnectLogin(SQLModel, table=True):
    __tablename__ = "franceconnect_login"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(sa_type=sa.String(64), unique=True, index=True)
    browser_hash: str = Field(sa_type=sa.String(64))
    nonce: str = Field(sa_type=sa.String(128))
    code_verifier: str = Field(sa_type=sa.String(128))
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime = Field(index=True)


class FranceConnectArrival(SQLModel, table=True):
    __tablename__ = "franceconnect_arrival"

    id: int | None = Field(default=None, primary_key=True)
    ticket_hash: str = Field(sa_type=sa.String(64), unique=True, index=True)
    sub: str = Field(sa_type=sa.String(255))
    id_token: str = Field(sa_type=sa.Text())
    given_name: str = Field(default="", sa_type=sa.String(100))
    family_name: str = Field(default="", sa_type=sa.String(100))
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime = Field(index=True)
    used_at: dt.datetime | None = None


class FranceConnectIdentity(SQLModel, table=True):
    __tablename__ = "franceconnect_identity"

    id: int | None = Field(default=None, primary_key=True)
    sub: str = Field(sa_type=sa.String(255), unique=True, index=True)
    account_id: int = Field(foreign_key="account.id", unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_sign_in_at: dt.datetime | None = None


class FranceConnectSession(SQLModel, table=True):
    __tablename__ = "franceconnect_session"

    id: int | None = Field(default=None, primary_key=True)
    auth_session_id: int = Field(foreign_key="auth_session.id", ondelete="CASCADE", unique=True, index=True)
    id_token: str = Field(sa_type=sa.Text())
    created_at: dt.datetime = Field(default_factory=utcnow)
