"""The JavaScript a phone downloads on a page's first load: every script response Chromium
receives (390×844, cold cache, no service worker yet) until the network is idle, summed as sent
over the wire (the encoding Chromium and the server agree on: brotli), as gzip (the same files
asked with `Accept-Encoding: gzip` only) and decompressed. Printed, never asserted; the target is
≤ 200 KB gzip.

    .venv/bin/python bench/bench_first_load_js.py [--url http://127.0.0.1:3000] [--detail]

Without --url it starts the app (`reflex run --env prod`) on a free port with its own demo
database; the signed-in dashboard is then measured with a youth's session.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cjeune_app.core.models  # noqa: E402, F401  (every table, so that foreign keys resolve)
from tests.appserver import AppServer  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402

PAGES = ["/", "/partenaires", "/connexion", "/tableau-de-bord", "/espace-partenaire/encaisser", "/photo"]
SIGNED_IN = {"/tableau-de-bord"}


def scripts_of_first_load(browser, url: str, cookies: list[dict]) -> list[tuple[str, int, str]]:
    """(path, bytes on the wire, content-encoding) of every script of a fresh context's first load."""
    context = browser.new_context(viewport=PHONE, locale="fr-FR", service_workers="block")
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response)
            if response.request.resource_type == "script" else None)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    scripts = []
    for response in responses:
        encoded = response.request.sizes()["responseBodySize"]
        path = response.url.split("://", 1)[-1].split("/", 1)[-1]
        scripts.append(("/" + path, encoded, response.headers.get("content-encoding", "")))
    context.close()
    return scripts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running app (the signed-in dashboard is then skipped)")
    parser.add_argument("--detail", action="store_true", help="list each script")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = None
    if args.url:
        base_url = args.url.rstrip("/")
    else:
        server = AppServer.started_with_demo(Path(tempfile.mkdtemp(prefix="cjeune-first-load-")))
        base_url = server.base_url
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            cookies: list[dict] = []
            if server is not None:
                from tests.browser.families import make_youth, sign_in

                context = browser.new_context(viewport=PHONE, locale="fr-FR")
                page = context.new_page()
                youth = make_youth(server, "Lina", "Banc")
                sign_in(page, server, "collegien", youth.login)
                cookies = context.cookies(base_url)
                context.close()
            print(f"JavaScript au premier chargement (390×844, cache vide) — {base_url}")
            print(f"{'page':32} {'scripts':>7} {'Ko reçus':>9} {'Ko gzip':>8} {'Ko décompressés':>16}")
            for path in PAGES:
                if path in SIGNED_IN and not cookies:
                    continue
                scripts = scripts_of_first_load(browser, base_url + path, cookies if path in SIGNED_IN else [])
                wire = sum(size for _, size, _ in scripts)
                sizes = [_gzip_and_decoded_sizes(base_url, name) for name, _, _ in scripts]
                gzip = sum(size[0] for size in sizes)
                raw = sum(size[1] for size in sizes)
                print(f"{path:32} {len(scripts):>7} {wire / 1024:>9.1f} {gzip / 1024:>8.1f} {raw / 1024:>16.1f}")
                if args.detail:
                    for name, size, encoding in sorted(scripts, key=lambda s: -s[1]):
                        print(f"    {size / 1024:>7.1f} Ko {encoding or 'identity':8} {name}")
            browser.close()
    finally:
        if server is not None:
            server.stop()


def _gzip_and_decoded_sizes(base_url: str, path: str) -> tuple[int, int]:
    import httpx

    answer = httpx.get(base_url + path, headers={"Accept-Encoding": "gzip"}, timeout=10)
    return answer.num_bytes_downloaded, len(answer.content)


if __name__ == "__main__":
    main()
