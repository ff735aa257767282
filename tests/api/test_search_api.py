"""GET /api/v1/search answers what the core search answers, and refuses in French."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from cjeune_app.api.app import create_api
from cjeune_app.api.search import router
from cjeune_app.core.search import SearchQuery, search
from cjeune_app.core.territory import commune_by_insee
from tests.core.search.corpus import NOW, build_corpus


@pytest.fixture
def client(session) -> TestClient:
    build_corpus(session)
    return TestClient(create_api([router]))


def get(client, **params):
    return client.get("/api/v1/search", params=params)


def test_answers_with_partners_and_their_current_offers(client):
    answer = get(client, q="theatre aix")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["total"], body["page"], body["page_size"], body["page_count"]) == (1, 1, 20, 1)
    [aune] = body["results"]
    assert aune["name"] == "Théâtre du Bois de l'Aune"
    assert aune["commune"] == {"insee": "13001", "name": "Aix-en-Provence"}
    assert (aune["categories"], aune["envelopes"]) == (["culture"], ["sport_culture"])
    assert [o["title"] for o in aune["offers"]] == [
        "Place offerte pour un accompagnant", "Abonnement saison à tarif jeune",
    ]
    expires = dt.datetime.fromisoformat(aune["offers"][0]["expires_at"])
    assert expires == NOW + dt.timedelta(days=20)


def test_same_results_as_the_core_function(client, session):
    plaine = commune_by_insee("13205")
    cases = [
        ({"q": "natatoin"}, SearchQuery(q="natatoin")),
        ({"q": "", "commune": "13055"}, SearchQuery(commune_insee="13055")),
        ({"category": "soutien scolaire"}, SearchQuery(category="soutien scolaire")),
        ({"envelope": "sport_culture", "offers_only": "true"}, SearchQuery(envelope="sport_culture", offers_only=True)),
        ({"q": "judo", "lat": str(plaine.latitude), "lon": str(plaine.longitude), "sort": "distance"},
         SearchQuery(q="judo", lat=plaine.latitude, lon=plaine.longitude, sort="distance")),
        ({"near": "13205", "radius_km": "10", "sort": "distance"},
         SearchQuery(near_insee="13205", radius_km=10, sort="distance")),
        ({"page": "2", "page_size": "5"}, SearchQuery(page=2, page_size=5)),
    ]
    for params, query in cases:
        body = get(client, **params).json()
        expected = search(session, query)
        assert [r["id"] for r in body["results"]] == [hit.id for hit in expected.results], params
        assert body["total"] == expected.total
        assert [r["distance_km"] for r in body["results"]] == [hit.distance_km for hit in expected.results]
    natation = get(client, q="natatoin").json()
    assert natation["corrections"] == [{"typed": "natatoin", "replaced_by": ["natation"]}]


@pytest.mark.parametrize(
    ("params", "code", "words"),
    [
        ({"category": "piscine"}, "categorie_inconnue", "Catégorie inconnue"),
        ({"commune": "75056"}, "commune_inconnue", "code INSEE"),
        ({"envelope": "cadeau"}, "enveloppe_inconnue", "sport_culture"),
        ({"lat": "quarante-trois", "lon": "5.4"}, "parametre_invalide", "« lat » doit être un nombre"),
        ({"lat": "43.3"}, "position_incomplete", "latitude et la longitude"),
        ({"radius_km": "10"}, "position_requise", "rayon"),
        ({"sort": "distance"}, "position_requise", "trier par distance"),
        ({"page": "0"}, "page_invalide", "commence à 1"),
        ({"page": "deux"}, "parametre_invalide", "« page » doit être un nombre entier"),
        ({"offers_only": "peut-être"}, "parametre_invalide", "true ou false"),
    ],
)
def test_wrong_requests_get_422_and_a_french_message(client, params, code, words):
    answer = get(client, **params)
    assert answer.status_code == 422
    assert answer.json()["code"] == code
    assert words in answer.json()["message"]


def test_documented_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "q", "category", "commune", "envelope", "lat", "lon", "radius_km", "page",
    }
    assert "422" in operation["responses"]


def test_the_map_answers_every_result_with_a_link_to_each_partner(client, session):
    body = client.get("/api/v1/search/map", params={"q": "", "page_size": "2"}).json()
    everyone = search(session, SearchQuery(page_size=50))
    assert [p["id"] for p in body["points"]] == [hit.id for hit in everyone.results]
    toursky = next(p for p in body["points"] if p["name"] == "Théâtre Toursky")
    assert toursky["href"] == f"/partenaires/{toursky['id']}"
    assert toursky["subtitle"] == "Culture · Marseille 3e Arrondissement"
    refused = client.get("/api/v1/search/map", params={"category": "piscine"})
    assert refused.status_code == 422 and refused.json()["code"] == "categorie_inconnue"
