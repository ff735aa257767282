"""What every page must pass on a phone: French, no horizontal scroll, no serious a11y violation."""

from __future__ import annotations

import functools

from tests.appserver import PROJECT_ROOT

AXE_SCRIPT = PROJECT_ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


def wait_for_app(page) -> None:
    """Reflex pages are ready when the websocket is connected and the state hydrated."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.querySelector('main') !== null")


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text()


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"la page déborde horizontalement de {overflow}px"


def accessibility_violations(page) -> list[dict]:
    # Evaluated through DevTools, as the test's own code: a <script> tag added to the page would be
    # refused by the page's script policy (api.headers), which the tests keep in force.
    page.evaluate(_axe_source())
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
        })"""
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]


def assert_accessible(page) -> None:
    violations = accessibility_violations(page)
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        f"{[(n['target'], n.get('html', '')[:160], n.get('failureSummary', '')[:200]) for n in v['nodes'][:3]]}"
        for v in violations
    ]
    assert not violations, "violations d'accessibilité :\n" + "\n".join(details)


def assert_page_healthy(page) -> None:
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
