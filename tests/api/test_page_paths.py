"""A built page answers 200 with or without its trailing slash (no 307 round trip on a phone);
files, the API and unknown paths are left to whoever serves them. The real server is checked in
tests/browser/test_public_pages.py."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.testclient import TestClient

from cjeune_app.api.page_paths import SlashlessPagesMiddleware


def built_site(tmp_path: Path) -> TestClient:
    """A build laid out as Reflex writes it: <page>/index.html and <page>.html, assets, a 404."""
    for page in ["partenaires", "connexion", "connexion/parent"]:
        (tmp_path / page).mkdir(parents=True, exist_ok=True)
        (tmp_path / page / "index.html").write_text(f"<p>{page}</p>")
        (tmp_path / f"{page}.html").write_text(f"<p>{page}</p>")
    (tmp_path / "index.html").write_text("<p>accueil</p>")
    (tmp_path / "404.html").write_text("<p>introuvable</p>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log(1)")
    app = Starlette(routes=[
        Route("/api/v1/health", lambda request: PlainTextResponse("ok")),
        Mount("/", app=StaticFiles(directory=tmp_path, html=True)),
    ])
    return TestClient(SlashlessPagesMiddleware(app, pages_dir=lambda: tmp_path), follow_redirects=False)


def test_a_page_without_its_slash_answers_the_page_itself(tmp_path):
    client = built_site(tmp_path)
    for path, text in [("/partenaires", "partenaires"), ("/connexion/parent", "connexion/parent"),
                       ("/partenaires?q=judo", "partenaires")]:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert text in answer.text
        assert client.head(path).status_code == 200
    assert client.get("/partenaires/").status_code == 200
    assert client.get("/").text == "<p>accueil</p>"


def test_files_api_and_unknown_paths_are_untouched(tmp_path):
    client = built_site(tmp_path)
    assert client.get("/assets/app.js").text == "console.log(1)"
    assert client.get("/api/v1/health").text == "ok"
    assert client.get("/nulle-part").status_code == 404
    assert client.get("/partenaires/12").status_code == 404  # a dynamic page: the app's router decides
    assert client.get("/../etc/passwd").status_code == 404
    assert client.post("/partenaires").status_code != 200  # only GET and HEAD are pages
