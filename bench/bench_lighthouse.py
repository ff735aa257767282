"""Lighthouse 12 on a phone (mobile profile, Debian's Chromium), median of 3 runs per page, and
Chromium's installability verdict (`Page.getInstallabilityErrors` over the DevTools protocol,
since Lighthouse 12 has no PWA category). Printed, never asserted. "JS reçu" is the scripts' bytes on
the wire as Lighthouse's Chromium negotiates them (brotli); bench_first_load_js.py gives them in gzip.

    .venv/bin/python bench/bench_lighthouse.py [--runs 3] [--url http://127.0.0.1:3000] [--pages / /connexion]
                                               [--reports DIR]

--reports keeps each run's full Lighthouse report (JSON) there, to read why a score is missed.

Without --url it starts the app (`reflex run --env prod`) on a free port with its own demo
database. The signed-in dashboard is measured with a youth's session cookie. Lighthouse comes from
npm into .tools/lighthouse (`npm install lighthouse@12`; version 13 needs Node 22).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cjeune_app.core.models  # noqa: E402, F401  (every table, so that foreign keys resolve)
from tests.appserver import AppServer  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402

LIGHTHOUSE = ROOT / ".tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
PAGES = ["/", "/partenaires", "/connexion", "/tableau-de-bord"]
SIGNED_IN = {"/tableau-de-bord"}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def ensure_lighthouse() -> None:
    home = LIGHTHOUSE.parents[2]
    if not LIGHTHOUSE.exists():
        home.mkdir(parents=True, exist_ok=True)
        # Its own package.json: without it npm would write into .tools/package.json (bootstrap's, pinned).
        (home / "package.json").write_text('{"private": true, "dependencies": {"lighthouse": "^12"}}\n')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=home, check=True)


def lighthouse(url: str, cookie: str | None, report_path: Path | None = None) -> dict:
    command = [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
               f"--only-categories={','.join(CATEGORIES)}"]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    result = subprocess.run(command, capture_output=True, text=True, check=True,
                            env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(result.stdout)
    if report_path is not None:
        report_path.write_text(result.stdout)
    audits = report["audits"]
    scripts = [item for item in audits["resource-summary"]["details"]["items"] if item["resourceType"] == "script"]
    return {
        **{name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES},
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "js_kb": (scripts[0]["transferSize"] / 1024) if scripts else 0.0,
    }


def signed_in_cookie_and_installability(base_url: str, server: AppServer | None) -> tuple[str | None, dict]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE, locale="fr-FR")
        page = context.pages[0] if context.pages else context.new_page()
        installability = {}
        for path in PAGES:
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            errors = context.new_cdp_session(page).send("Page.getInstallabilityErrors")["installabilityErrors"]
            installability[path] = ", ".join(e["errorId"] for e in errors) or "installable"
        cookie = None
        if server is not None:
            from tests.browser.families import make_youth, sign_in

            youth = make_youth(server, "Lina", "Banc")
            sign_in(page, server, "collegien", youth.login)
            cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies(base_url))
        context.close()
        return cookie, installability


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--url", help="a running app (the signed-in dashboard is then skipped)")
    parser.add_argument("--pages", nargs="+", default=PAGES, help="the paths to measure")
    parser.add_argument("--reports", type=Path, help="a folder where each run's JSON report is kept")
    args = parser.parse_args()
    ensure_lighthouse()
    server = None
    if args.url:
        base_url = args.url.rstrip("/")
    else:
        server = AppServer.started_with_demo(Path(tempfile.mkdtemp(prefix="cjeune-lighthouse-")))
        base_url = server.base_url
    try:
        cookie, installability = signed_in_cookie_and_installability(base_url, server)
        print(f"Lighthouse 12, profil mobile, médiane de {args.runs} passages — {base_url}")
        print(f"{'page':18} {'perf':>4} {'a11y':>4} {'bp':>4} {'seo':>4} {'FCP s':>6} {'LCP s':>6} "
              f"{'TBT ms':>6} {'CLS':>6} {'JS reçu Ko':>10}  installable")
        if args.reports:
            args.reports.mkdir(parents=True, exist_ok=True)
        for path in args.pages:
            if path in SIGNED_IN and cookie is None:
                continue
            name = path.strip("/").replace("/", "_") or "accueil"
            runs = [lighthouse(base_url + path, cookie if path in SIGNED_IN else None,
                               args.reports / f"{name}-{run + 1}.json" if args.reports else None)
                    for run in range(args.runs)]
            median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            print(f"{path:18} {median['performance']:>4.0f} {median['accessibility']:>4.0f} "
                  f"{median['best-practices']:>4.0f} {median['seo']:>4.0f} {median['fcp_s']:>6.2f} "
                  f"{median['lcp_s']:>6.2f} {median['tbt_ms']:>6.0f} {median['cls']:>6.3f} "
                  f"{median['js_kb']:>10.0f}  {installability[path]}")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
