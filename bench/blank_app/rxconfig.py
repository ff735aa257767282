"""The blank Reflex app that the event measurements and the load test use as their reference."""

import reflex as rx

config = rx.Config(app_name="blank", telemetry_enabled=False, plugins=[])
