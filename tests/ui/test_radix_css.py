"""Radix Themes' component stylesheet cut down to the components the compiled app imports."""

from pathlib import Path

from cjeune_app.ui.radix_css import component_classes, keep_used, used_components_css

COMPONENTS_CSS = """/* Button */
.rt-BaseButton { display: inline-flex; }
.rt-Button:where(.rt-variant-ghost), .rt-IconButton:where(.rt-variant-ghost) { padding: 0; }
@media (min-width: 520px) {
  .rt-Button:where(.xs\\:rt-r-size-1) { height: 24px; }
  .rt-TabsList { gap: 1px; }
}
@media (min-width: 768px) { .rt-TabsList { gap: 2px; } }
.rt-CalloutRoot > :where(:not(.rt-CalloutIcon)) { margin: 0; }
.rt-TextFieldRoot:has(.rt-SelectTrigger) { color: red; }
@keyframes rt-fade-in { from { opacity: 0; } to { opacity: 1; } }
.radix-themes { --cursor-button: default; content: "{.rt-TabsList}"; }
"""


def fake_radix(root: Path) -> Path:
    radix = root / "node_modules" / "@radix-ui" / "themes"
    components = radix / "dist" / "esm" / "components"
    (components / "_internal").mkdir(parents=True)
    (components / "index.js").write_text(
        'import{Button as b}from"./button.js";import*as t from"./tabs.js";import*as c from"./callout.js";'
        "export{b as Button,t as Tabs,c as Callout};"
    )
    (components / "button.js").write_text(
        'import{BaseButton as p}from"./_internal/base-button.js";const o=s("rt-Button",e);export{o as Button};'
    )
    (components / "_internal" / "base-button.js").write_text('const p=s("rt-BaseButton",e);export{p as BaseButton};')
    (components / "tabs.js").write_text('const l=s("rt-TabsList");')
    (components / "callout.js").write_text('const r=s("rt-CalloutRoot"),i=s("rt-CalloutIcon");')
    (radix / "components.css").write_text(COMPONENTS_CSS)
    return radix


def test_a_component_gives_the_classes_its_module_and_what_it_imports_set(tmp_path):
    radix = fake_radix(tmp_path)
    classes = component_classes(radix, {"Button", "Callout"})
    assert classes == {"rt-Button", "rt-BaseButton", "rt-CalloutRoot", "rt-CalloutIcon"}


def test_selectors_needing_a_component_not_drawn_are_dropped_and_the_rest_kept():
    kept = keep_used(COMPONENTS_CSS, {"rt-Button", "rt-BaseButton", "rt-CalloutRoot"})
    assert ".rt-BaseButton{ display: inline-flex; }" in kept
    # The IconButton half of a selector list goes; the Button half stays.
    assert ".rt-Button:where(.rt-variant-ghost){ padding: 0; }" in kept
    assert "IconButton" not in kept
    # A breakpoint keeps its used rules; one left empty goes entirely.
    assert "@media (min-width: 520px){" in kept and "height: 24px" in kept
    assert "rt-TabsList {" not in kept and "min-width: 768px" not in kept
    # A class under :not() is not needed for a match: the rule stays.
    assert ":not(.rt-CalloutIcon)" in kept
    # :has() of a component never drawn never matches.
    assert "SelectTrigger" not in kept
    # At-rules other than groups, and rules naming no component, as they were (strings untouched).
    assert "@keyframes rt-fade-in{ from { opacity: 0; } to { opacity: 1; } }" in kept
    assert '.radix-themes{ --cursor-button: default; content: "{.rt-TabsList}"; }' in kept


def test_with_every_component_drawn_nothing_is_dropped():
    every = {"rt-BaseButton", "rt-Button", "rt-IconButton", "rt-TabsList", "rt-CalloutRoot", "rt-CalloutIcon",
             "rt-TextFieldRoot", "rt-SelectTrigger"}
    strip = lambda css: "".join(css.split()).replace("/*Button*/", "")  # noqa: E731
    assert strip(keep_used(COMPONENTS_CSS, every)) == strip(COMPONENTS_CSS)


def test_the_stylesheet_keeps_the_rules_of_the_components_drawn(tmp_path):
    css = used_components_css(fake_radix(tmp_path), {"Button"})
    assert ".rt-BaseButton{" in css and "rt-TabsList {" not in css and "rt-CalloutRoot" not in css
