"""Look of the site: one accent colour, readable sizes on a phone, focus always visible."""

import reflex as rx

ACCENT = "indigo"
BRAND_BLUE = "#1d3a8a"  # Département blue, 10:1 contrast on white
BRAND_ORANGE = "#b34700"  # warm accent for amounts, 5.3:1 on white
MAX_WIDTH = "64rem"

theme = rx.theme(accent_color=ACCENT, gray_color="slate", radius="large", scaling="100%")

global_style = {
    "font_family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    "::selection": {"background": "#c7d2fe"},
    "a:focus-visible, button:focus-visible, input:focus-visible": {
        "outline": f"3px solid {BRAND_ORANGE}",
        "outline_offset": "2px",
    },
}
