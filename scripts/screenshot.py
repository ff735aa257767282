"""Screenshots of pages at phone size (390×844) for a human to look at.

Usage: python scripts/screenshot.py BASE_URL OUT_DIR PATH [PATH...]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def main(base_url: str, out_dir: str, paths: list[str]) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="fr-FR")
        for path in paths:
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            name = path.strip("/").replace("/", "_") or "accueil"
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            print(out / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
