"""Prerendered pages fetch their scripts once painted (ui/first_paint.py)."""

from cjeune_app.ui.first_paint import defer_scripts_after_first_paint, defer_scripts_in_build

PAGE = (
    '<html><head><link as="style" href="/assets/s.css" rel="preload"/>'
    '<link rel="modulepreload" href="/assets/manifest-1.js"/><link rel="modulepreload" href="/assets/entry.client-2.js"/>'
    '<link rel="modulepreload" href="/assets/root-3.js"/><link rel="modulepreload" href="/assets/_index-4.js"/>'
    '<link href="/assets/s.css" rel="stylesheet" type="text/css"/></head><body><h1>Bonjour</h1>'
    '<script type="module" async="">import "/assets/manifest-1.js";\n'
    'import * as route0 from "/assets/root-3.js";\nimport * as route1 from "/assets/_index-4.js";\n  \n'
    '  window.__reactRouterRouteModules = {"root":route0,"routes/_index":route1};\n\n'
    'import("/assets/entry.client-2.js");</script></body></html>'
)


def test_the_preloads_leave_the_html_and_the_module_script_starts_them_after_the_first_frame():
    page = defer_scripts_after_first_paint(PAGE)
    assert page is not None
    assert '<link rel="modulepreload"' not in page
    assert '<link href="/assets/s.css" rel="stylesheet" type="text/css"/>' in page  # the stylesheet stays
    script = page[page.index('<script type="module" async="">') :]
    waits, preloads = script.index("requestAnimationFrame"), script.index('"/assets/_index-4.js"]')
    manifest, root, index = (script.index(f'await import("/assets/{name}")') for name in
                             ("manifest-1.js", "root-3.js", "_index-4.js"))
    entry = script.index('import("/assets/entry.client-2.js");')
    assert waits < preloads < manifest < root < index < entry  # same modules, same order, after paint
    assert 'window.__reactRouterRouteModules = {"root":route0,"routes/_index":route1};' in script
    assert 'document.visibilityState === "hidden"' in script  # a hidden tab paints no frame: no wait


def test_a_module_script_of_another_shape_leaves_the_page_as_built(tmp_path):
    odd = PAGE.replace('import("/assets/entry.client-2.js");', 'import("/assets/entry.client-2.js").then(start);')
    assert defer_scripts_after_first_paint(odd) is None
    assert defer_scripts_after_first_paint("<html><body>Rien</body></html>") is None
    (tmp_path / "a.html").write_text(PAGE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text(odd)
    rewritten, left = defer_scripts_in_build(tmp_path)
    assert rewritten == 1 and left == [tmp_path / "sub" / "b.html"]
    assert (tmp_path / "sub" / "b.html").read_text() == odd
