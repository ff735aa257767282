"""Pictures for the photo tests: a JPEG of a given size, colour and EXIF, and a PNG."""

from __future__ import annotations

import io

from PIL import Image


def jpeg(width: int = 900, height: int = 1200, colour: tuple[int, int, int] = (190, 140, 110),
         exif: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), colour)
    image.save(buffer, "JPEG", **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def png(width: int = 600, height: int = 800) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()
