"""Draws the app's icons (assets/icons/*.png) once: the "CJ" monogram on the Département blue.

The maskable icon keeps the monogram inside the central safe circle (80 % of the side), so a
phone's round or squircle mask never cuts it. Run again only when the look changes.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "cjeune_app" / "core" / "documents" / "fonts" / "DejaVuSans-Bold.ttf"
BLUE = (29, 58, 138)
ORANGE = (230, 120, 40)


def icon(size: int, maskable: bool) -> Image.Image:
    image = Image.new("RGB", (size, size), BLUE)
    draw = ImageDraw.Draw(image)
    text_share = 0.38 if maskable else 0.5  # the safe zone of a maskable icon is smaller
    font = ImageFont.truetype(str(FONT), int(size * text_share))
    draw.text((size / 2, size / 2), "CJ", font=font, fill="white", anchor="mm")
    bar = size * (0.09 if maskable else 0.12)
    draw.rectangle((size * 0.3, size / 2 + bar * 2, size * 0.7, size / 2 + bar * 2.4), fill=ORANGE)
    return image


def main() -> None:
    out = ROOT / "assets" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, maskable=False).save(out / f"icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(out / "icon-maskable-512.png", optimize=True)
    icon(180, maskable=False).save(out / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
