"""The avis d'imposition a family may attach: a PDF or a JPEG, its type read from its bytes (never
from its name), at most the photos' upload size, stored under a random name in a private folder."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from cjeune_app.core.photos import storage
from cjeune_app.core.photos.errors import MAX_UPLOAD_BYTES
from cjeune_app.core.settings import data_dir
from cjeune_app.core.teleservices.errors import AvisRefused

PDF = "application/pdf"
JPEG = "image/jpeg"
SUFFIXES = {PDF: ".pdf", JPEG: ".jpg"}
MAX_AVIS_BYTES = MAX_UPLOAD_BYTES


def avis_directory() -> Path:
    return data_dir() / "avis"


def media_type_of(data: bytes) -> str:
    """PDF or JPEG from the first bytes (and a JPEG Pillow can read); AvisRefused otherwise."""
    if not data or len(data) > MAX_AVIS_BYTES:
        raise AvisRefused()
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format == "JPEG":
                    image.verify()
                    return JPEG
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            pass
    raise AvisRefused()


def store(data: bytes) -> tuple[str, str]:
    """(key, media type) of the stored file."""
    media_type = media_type_of(data)
    key = storage.new_key()
    storage.save_atomically(avis_directory(), key, data, SUFFIXES[media_type])
    return key, media_type


def load(key: str, media_type: str) -> bytes:
    return storage.load(avis_directory(), key, SUFFIXES[media_type])


def delete(key: str, media_type: str) -> None:
    storage.delete(avis_directory(), key, SUFFIXES[media_type])
