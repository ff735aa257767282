"""Configuration, read once from the environment into one typed object, with defaults that run on a
laptop with nothing installed (SQLite file, e-mails written to a local outbox).

No other module reads `os.environ`: they call `settings()`. Tests that change the environment call
`reload_settings()` (the test suite's `monkeypatch` does it for them).
"""

from __future__ import annotations

import contextlib
import ipaddress
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CJEUNE_", frozen=True, extra="ignore")

    # Reflex's own variable (REFLEX_DB_URL): PostgreSQL in production, a SQLite file by default.
    db_url: str = Field(default="", validation_alias="REFLEX_DB_URL")
    data_dir: Path = PROJECT_ROOT / "var"  # SQLite file, photos, local outbox: never served publicly
    env: str = ""  # "production" refuses the demo data
    public_url: str = "http://localhost:3000"  # base of e-mailed links; https turns on secure cookies
    mail_from: str = "CJeune de Provence <ne-pas-repondre@cjeunedeprovence.fr>"
    smtp_url: str = ""  # empty: e-mails are written to the outbox folder
    # SMS: empty URL writes them to <data_dir>/outbox/sms/; else Brevo's transactional SMS API
    # (https://api.brevo.com) with this key and sender name (11 characters at most).
    sms_api_url: str = ""
    sms_api_key: str = ""
    sms_sender: str = "CJeune13"
    # Keys the hashes of mobile numbers in the phone_code table (set one per site in production).
    phone_hash_key: str = "cjeune-dev-phone-key"
    # Signs the unsubscribe links of the optional e-mails (set one per site in production: a new key
    # makes the links already sent stop working).
    link_signing_key: str = "cjeune-dev-link-key"
    address_api_url: str = "https://api-adresse.data.gouv.fr"  # national address API (BAN)
    # Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or networks,
    # e.g. "10.0.0.5,192.168.1.0/24"); empty: the peer's address is the client's.
    trusted_proxies: str = ""
    api_requests_per_minute: int = 300  # partner API, per key, in any minute (moving window)
    api_burst: int = 120  # partner API, per key, in any 10 seconds
    # Reflex's own variable: the Redis the workers share (state); also the default for the limits.
    redis_url: str = Field(default="", validation_alias="REFLEX_REDIS_URL")
    limits_storage_url: str = ""  # where throttles count (core/throttles.py); memory only for one process
    limits_key_prefix: str = "cjeune"
    # False when the schema is migrated once before several workers start (make run-scale):
    # each worker migrating at start would race the others.
    migrate_at_start: bool = True
    metrics_token: str = ""  # bearer token of /metrics (Prometheus); empty: no /metrics
    # FranceConnect (OpenID Connect): the provider's issuer URL (discovery at
    # <issuer>/.well-known/openid-configuration), this site's client id and secret. With any of the
    # three empty, the FranceConnect button is not shown and its routes answer "not available".
    franceconnect_issuer: str = ""
    franceconnect_client_id: str = ""
    franceconnect_client_secret: str = ""
    franceconnect_scopes: str = "openid given_name family_name email"
    # The Département's account the reimbursements are paid from (debtor of the SEPA transfers).
    sepa_debtor_name: str = "Departement des Bouches-du-Rhone"
    sepa_debtor_iban: str = "FR7630001000000000000000127"
    sepa_debtor_bic: str = "BDFEFRPP"

    @property
    def is_production(self) -> bool:
        return self.env.lower() == "production"

    @property
    def franceconnect_enabled(self) -> bool:
        return bool(self.franceconnect_issuer and self.franceconnect_client_id and self.franceconnect_client_secret)

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(item.strip(), strict=False)
                     for item in self.trusted_proxies.split(",") if item.strip())

    @property
    def public_origins(self) -> list[str]:
        """The origins the site's own pages come from (CORS and the websocket accept these only):
        the public URL's, and for a local address both of its spellings (localhost, 127.0.0.1)."""
        parts = urlsplit(self.public_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        local = {"localhost", "127.0.0.1"}
        if parts.hostname not in local:
            return [origin]
        port = f":{parts.port}" if parts.port else ""
        return [f"{parts.scheme}://{host}{port}" for host in sorted(local)]


@cache
def settings() -> Settings:
    return Settings()


def reload_settings() -> Settings:
    """Forget the settings read so far (tests that change the environment)."""
    settings.cache_clear()
    return settings()


def private_dir(path: Path) -> Path:
    """A folder only the app's user may open (0700), created if needed: what the data folder holds
    (photos, e-mails with live reset links, the SQLite file) is nobody else's to read."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        with contextlib.suppress(PermissionError):  # a folder of another user: left as it is
            path.chmod(0o700)
    return path


def data_dir() -> Path:
    """Folder for the SQLite file, photos and the local outbox (created on first use, 0700)."""
    return private_dir(settings().data_dir)


def database_url() -> str:
    return settings().db_url or _sqlite_url(settings().data_dir)


def uses_sqlite() -> bool:
    """The database is a local SQLite file (one writer, readers that never wait), not PostgreSQL."""
    return database_url().startswith("sqlite")


@cache
def _sqlite_url(folder: Path) -> str:
    """The SQLite file's URL, its folder made private once: every unit of work asks for the URL, and its
    two system calls were 1.5 % of a dashboard opening's samples (py-spy, SQLite, one process)."""
    return f"sqlite:///{private_dir(folder) / 'cjeune.db'}"
