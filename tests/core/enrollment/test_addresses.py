"""The address client against a real HTTP server on 127.0.0.1 standing in for the national API
(this machine cannot reach the real one): answers, slowness, errors, garbage, silence."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from cjeune_app.core.enrollment.addresses import (
    DEFAULT_API_URL,
    api_url,
    local_suggestions,
    suggest_addresses,
    suggest_addresses_async,
)


def feature(number, street, postcode, citycode, city):
    """A feature shaped like the Base Adresse Nationale's /search/ answer."""
    name = f"{number} {street}"
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [5.37, 43.3]},
        "properties": {
            "label": f"{name} {postcode} {city}", "score": 0.93, "housenumber": str(number),
            "id": f"{citycode}_0001_{number:05d}", "name": name, "postcode": postcode,
            "citycode": citycode, "city": city, "context": "13, Bouches-du-Rhône, Provence-Alpes-Côte d'Azur",
            "type": "housenumber", "street": street,
        },
    }


ANSWERS = {
    "13001": [feature(12, "Rue de la République", "13001", "13201", "Marseille"),
              feature(14, "Rue de la République", "13001", "13201", "Marseille")],
    "13780": [feature(3, "Route de Cuges", "13780", "83104", "Riboux"),
              feature(5, "Avenue Jean Moulin", "13780", "13030", "Cuges-les-Pins")],
}


class FakeAddressApi:
    """`/<behaviour>/search/`: ok, slow, error, garbage, empty."""

    def __init__(self):
        self.requests: list[dict] = []
        self.release = threading.Event()  # the slow answer waits for it
        self.slow_answered = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlsplit(self.path)
                behaviour = url.path.strip("/").split("/")[0]
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                api.requests.append({"path": url.path, **query})
                if behaviour == "slow":
                    api.release.wait(timeout=15)
                    api.slow_answered.set()
                if behaviour == "error":
                    return self._send(500, b'{"code": 500, "message": "boom"}')
                if behaviour == "garbage":
                    return self._send(200, b"<html>maintenance</html>")
                features = [] if behaviour == "empty" else ANSWERS.get(query.get("postcode"), [])
                body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
                self._send(200, body)

            def _send(self, status, body):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as it should

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def url(self, behaviour: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{behaviour}"


@pytest.fixture
def fake_api(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    api = FakeAddressApi()
    api.thread.start()
    yield api
    api.release.set()
    api.server.shutdown()
    api.server.server_close()


def use(monkeypatch, url):
    monkeypatch.setenv("CJEUNE_ADDRESS_API_URL", url)


def test_the_base_url_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("CJEUNE_ADDRESS_API_URL", raising=False)
    assert api_url() == DEFAULT_API_URL == "https://api-adresse.data.gouv.fr"
    use(monkeypatch, "http://127.0.0.1:9/ban/")
    assert api_url() == "http://127.0.0.1:9/ban"


def test_suggestions_come_from_the_api_when_it_answers(fake_api, monkeypatch):
    use(monkeypatch, fake_api.url("ok"))
    found = suggest_addresses("12 rue de la rep", " 13001")
    assert [(s.label, s.street, s.postal_code, s.citycode, s.city, s.source) for s in found] == [
        ("12 Rue de la République 13001 Marseille", "12 Rue de la République", "13001", "13201", "Marseille", "api"),
        ("14 Rue de la République 13001 Marseille", "14 Rue de la République", "13001", "13201", "Marseille", "api"),
    ]
    assert all(s.in_department for s in found)
    assert fake_api.requests == [{"path": "/ok/search/", "q": "12 rue de la rep", "postcode": "13001",
                                  "limit": "5", "type": "housenumber"}]


def test_an_address_of_riboux_in_the_var_is_flagged_outside_the_13(fake_api, monkeypatch):
    use(monkeypatch, fake_api.url("ok"))
    found = {s.city: s for s in suggest_addresses("route de cuges", "13780")}
    assert found["Riboux"].citycode == "83104" and not found["Riboux"].in_department
    assert found["Cuges-les-Pins"].in_department


def test_a_slow_api_is_not_waited_for_the_local_communes_are_offered(fake_api, monkeypatch):
    use(monkeypatch, fake_api.url("slow"))
    found = suggest_addresses("5 avenue jean moulin", "13780", timeout=0.3)
    assert not fake_api.slow_answered.is_set()  # the server is still sleeping on it
    assert [(s.label, s.street, s.postal_code, s.citycode, s.city, s.source) for s in found] == [
        ("Cuges-les-Pins (13780)", "", "13780", "13030", "Cuges-les-Pins", "local")]
    assert len(fake_api.requests) == 1  # it was asked, then given up on


@pytest.mark.parametrize("behaviour", ["error", "garbage", "empty"])
def test_an_api_error_bad_answer_or_no_result_falls_back_to_the_local_list(fake_api, monkeypatch, behaviour):
    use(monkeypatch, fake_api.url(behaviour))
    found = suggest_addresses("12 rue de la rep", "13090")
    assert [(s.city, s.postal_code, s.citycode, s.source) for s in found] == [
        ("Aix-en-Provence", "13090", "13001", "local")]
    assert len(fake_api.requests) == 1


def test_an_unreachable_api_falls_back_to_the_local_list(monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    use(monkeypatch, f"http://127.0.0.1:{port}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    found = suggest_addresses("aix", "")
    assert found[0].city == "Aix-en-Provence" and found[0].source == "local"
    assert found[0].postal_code == ""  # five postal codes: the parent types theirs
    assert found[0].label == "Aix-en-Provence (13080, 13090, 13100, 13290, 13540)"


def test_a_query_too_short_for_the_api_is_answered_locally(fake_api, monkeypatch):
    use(monkeypatch, fake_api.url("ok"))
    found = suggest_addresses("ai", "13100")
    assert found[0].city == "Aix-en-Provence" and "Le Tholonet" in {s.city for s in found}
    assert {s.postal_code for s in found} == {"13100"}
    assert fake_api.requests == []


def test_local_suggestions_follow_the_postal_code_or_the_text():
    assert [s.city for s in local_suggestions("", "13780")] == ["Cuges-les-Pins"]
    assert local_suggestions("", "83000") == []  # no commune of the 13 behind it
    marseille = local_suggestions("", "13001")
    assert {s.citycode for s in marseille} == {"13055", "13201"}
    typed_with_code = local_suggestions("12 rue Thiers 13100 Aix")
    assert typed_with_code[0].city == "Aix-en-Provence" and typed_with_code[0].postal_code == "13100"
    assert local_suggestions("saintes maries")[0].postal_code == "13460"


def run_coroutine(coroutine):
    """asyncio.run in its own thread: the test process may already run an event loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_the_async_client_behaves_the_same(fake_api, monkeypatch):
    use(monkeypatch, fake_api.url("ok"))
    found = run_coroutine(suggest_addresses_async("12 rue de la rep", "13001"))
    assert [s.citycode for s in found] == ["13201", "13201"] and found[0].source == "api"

    use(monkeypatch, fake_api.url("slow"))
    found = run_coroutine(suggest_addresses_async("5 avenue jean moulin", "13780", timeout=0.3))
    assert not fake_api.slow_answered.is_set()
    assert [(s.city, s.source) for s in found] == [("Cuges-les-Pins", "local")]
