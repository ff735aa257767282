"""The browser the tests drive: Debian's Chromium at a phone's size, and a watcher of console errors."""

from __future__ import annotations

import os

from tests.appserver import PROJECT_ROOT

CHROMIUM = os.environ.get("CJEUNE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


# Every refusal of the page's policy (a blocked inline script, an eval, a foreign source) is said in
# the console, as an error: Chromium reports some of them only as a warning, or not at all when a
# library catches the EvalError.
_REPORT_POLICY_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Violation CSP : ${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


class ConsoleWatcher:
    """Collects console errors, uncaught exceptions and refusals of the page's policy (CSP)."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.add_init_script(_REPORT_POLICY_VIOLATIONS)  # through DevTools: not subject to the policy
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("response", lambda r: r.status >= 400 and self.errors.append(f"HTTP {r.status} {r.url}"))
