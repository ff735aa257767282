"""Reflex configuration. Every setting can be overridden by an environment variable."""

import os

import reflex as rx

from cjeune_app.core.settings import database_url

config = rx.Config(
    app_name="cjeune_app",
    db_url=database_url(),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=["reflex.plugins.sitemap.SitemapPlugin"],
    plugins=[rx.plugins.TailwindV4Plugin()] if False else [],
)
