"""Browser tests: real Chromium (Debian's) driven by Playwright through the real running app."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import cjeune_app.core.models  # noqa: F401  (every table: tests writing to the app's database resolve foreign keys)
from tests.appserver import AppServer
from tests.browser.chromium import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PHONE, ConsoleWatcher
from tests.support.address_api import AddressApi
from tests.support.oidc_provider import OidcProvider
from tests.support.sms_provider import API_KEY as SMS_API_KEY
from tests.support.sms_provider import SmsProvider


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists() or shutil.which("node") is None:
        reason = f"Chromium absent ({CHROMIUM}): `make test` l'installe."
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def address_api():
    """The national address API's stand-in (step 2 of the enrollment suggests addresses)."""
    api = AddressApi()
    api.start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider standing in for FranceConnect (the Parent door's button)."""
    provider = OidcProvider().start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def sms_provider():
    """A local HTTP server playing Brevo's transactional SMS API: the app sends its SMS there."""
    provider = SmsProvider().start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, address_api, sms_provider, oidc_provider) -> AppServer:
    """One running app for the browser tests, on a SQLite file seeded with the demo data."""
    data_dir = tmp_path_factory.mktemp("app")
    server = AppServer.started_with_demo(data_dir, {
        "CJEUNE_ADDRESS_API_URL": address_api.url, "NO_PROXY": "127.0.0.1,localhost",
        "CJEUNE_SMS_API_URL": sms_provider.url, "CJEUNE_SMS_API_KEY": SMS_API_KEY, **oidc_provider.settings_env()})
    yield server
    server.stop()


@pytest.fixture
def phone(chromium, request):
    """A fresh browser context the size of a phone (390×844), in French. Fails on console errors."""
    context = chromium.new_context(viewport=PHONE, locale="fr-FR", timezone_id="Europe/Paris",
                                   device_scale_factor=1, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watcher = ConsoleWatcher(page)
    page.console = watcher
    yield page
    if request.node.rep_call_failed if hasattr(request.node, "rep_call_failed") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not watcher.errors, f"erreurs dans la console du navigateur : {watcher.errors}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call_failed = report.failed
