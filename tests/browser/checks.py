"""What every page must pass on a phone: French, no horizontal scroll, no serious a11y violation."""

from __future__ import annotations

from tests.appserver import PROJECT_ROOT

AXE_SCRIPT = PROJECT_ROOT / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


def wait_for_app(page) -> None:
    """Reflex pages are ready when the websocket is connected and the state hydrated."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.querySelector('main') !== null")


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"la page déborde horizontalement de {overflow}px"


def accessibility_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_SCRIPT))
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
