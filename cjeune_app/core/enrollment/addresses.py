"""Address suggestions for step 2: the national address API when it answers in time, the local
list of communes of the 13 when it does not.

The API (Base Adresse Nationale, `/search/`) is free and keyless. Its base URL comes from
`CJEUNE_ADDRESS_API_URL` (tests point it at a local server). A parent on a phone must never wait
on it: the timeout is short and any failure (timeout, refused connection, HTTP error, bad JSON,
no result) falls back to the communes matching the postal code or the typed text. Suggestions
are only suggestions: the chosen commune is checked again by `validation` on its INSEE code.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import httpx

from cjeune_app.core.settings import Settings, settings
from cjeune_app.core.territory import (
    Commune,
    communes_for_postal_code,
    is_resident_commune,
    search_communes,
)

DEFAULT_API_URL = Settings.model_fields["address_api_url"].default
TIMEOUT_SECONDS = 1.5
LIMIT = 5
MIN_QUERY_LENGTH = 3  # the API refuses shorter queries

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AddressSuggestion:
    label: str  # what the list shows: "12 Rue de la République 13001 Marseille"
    street: str  # what goes in "Adresse postale" ("" for a commune from the local list)
    postal_code: str
    citycode: str  # INSEE code of the commune (Marseille: its arrondissement, 13201…13216)
    city: str
    source: str  # "api" or "local"

    @property
    def in_department(self) -> bool:
        """False for a commune outside the 13 (the API also knows Riboux, 13780, in the Var)."""
        return is_resident_commune(self.citycode)


def api_url() -> str:
    return settings().address_api_url.rstrip("/")


def _params(text: str, postal_code: str | None, limit: int) -> dict[str, str | int]:
    params: dict[str, str | int] = {"q": text, "limit": limit, "type": "housenumber"}
    if postal_code:
        params["postcode"] = postal_code
    return params


def _clean(text: str, postal_code: str | None) -> tuple[str, str | None]:
    code = re.sub(r"\s", "", postal_code or "")
    return " ".join((text or "").split()), (code if re.fullmatch(r"\d{5}", code) else None)


def _parse(payload: object, limit: int) -> list[AddressSuggestion]:
    """GeoJSON features → suggestions; ValueError when the answer is not what the API sends."""
    if not isinstance(payload, dict) or not isinstance(payload.get("features"), list):
        raise ValueError("not a FeatureCollection")
    suggestions: list[AddressSuggestion] = []
    for feature in payload["features"]:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            raise ValueError("feature without properties")
        fields = [v for k in ("label", "name", "postcode", "citycode", "city")
                  if isinstance(v := props.get(k), str) and v]
        if len(fields) != 5:
            continue  # a partial feature is skipped, not fatal
        label, street, postal_code, citycode, city = fields
        suggestions.append(AddressSuggestion(label, street, postal_code, citycode, city, "api"))
    return suggestions[:limit]


def local_suggestions(text: str, postal_code: str | None = None, limit: int = LIMIT) -> list[AddressSuggestion]:
    """Communes of the 13 served by the postal code, else whose name or postal code starts
    with (or contains) the typed text."""
    text, postal_code = _clean(text, postal_code)
    typed_code = re.search(r"\b\d{5}\b", text)
    postal_code = postal_code or (typed_code.group() if typed_code else None)
    communes = communes_for_postal_code(postal_code) if postal_code else search_communes(text, limit)
    return [_from_commune(c, postal_code) for c in communes[:limit]]


def _from_commune(commune: Commune, postal_code: str | None) -> AddressSuggestion:
    if postal_code in commune.postal_codes:
        code = postal_code
    else:  # several postal codes and none typed yet: the parent types theirs
        code = commune.postal_codes[0] if len(commune.postal_codes) == 1 else ""
    label = f"{commune.name} ({code})" if code else commune.label
    return AddressSuggestion(label, "", code, commune.insee_code, commune.name, "local")


def suggest_addresses(text: str, postal_code: str | None = None, *, limit: int = LIMIT,
                      timeout: float = TIMEOUT_SECONDS) -> list[AddressSuggestion]:
    """Up to `limit` suggestions; never raises, never waits much longer than `timeout`."""
    text, postal_code = _clean(text, postal_code)
    if len(text) >= MIN_QUERY_LENGTH:
        try:
            with httpx.Client(timeout=timeout) as client:
                response = client.get(f"{api_url()}/search/", params=_params(text, postal_code, limit))
                response.raise_for_status()
                found = _parse(response.json(), limit)
            if found:
                return found
        except (httpx.HTTPError, ValueError) as error:
            log.info("address API unavailable, local communes offered: %s", error.__class__.__name__)
    return local_suggestions(text, postal_code, limit)


async def suggest_addresses_async(text: str, postal_code: str | None = None, *, limit: int = LIMIT,
                                  timeout: float = TIMEOUT_SECONDS) -> list[AddressSuggestion]:
    """The same for an async event handler, which must not block the server's event loop."""
    text, postal_code = _clean(text, postal_code)
    if len(text) >= MIN_QUERY_LENGTH:
        try:
            async with httpx.AsyncClient(timeout=timeout) as client:
                response = await client.get(f"{api_url()}/search/", params=_params(text, postal_code, limit))
                response.raise_for_status()
                found = _parse(response.json(), limit)
            if found:
                return found
        except (httpx.HTTPError, ValueError) as error:
            log.info("address API unavailable, local communes offered: %s", error.__class__.__name__)
    return local_suggestions(text, postal_code, limit)
