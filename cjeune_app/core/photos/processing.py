"""Turn an uploaded JPEG into the card photo: upright, cropped 35:45, 413×531, no metadata.

Two pipelines produce the same picture:
- `process_photo` decodes the JPEG at a reduced scale (libjpeg DCT scaling through
  `Image.draft`) and crops in the stored orientation before rotating, so a 12 MP phone photo
  costs a fraction of a full decode;
- `process_photo_naive` decodes everything, rotates, crops and resizes. It is the benchmark's
  baseline and the tests' oracle.

Both return bytes and never write a file: storing the result is `storage.save_atomically`'s job.
"""

import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps

from .errors import MAX_PIXELS, MAX_UPLOAD_BYTES, MIN_FRAMED_PIXELS, PhotoError

# Pixels one decode may hold (≤ 64 MB even in CMYK): a very tight crop of a very large
# photo is decoded at half scale rather than in full.
MAX_DECODED_PIXELS = 16_000_000
# Real progressive JPEGs have about ten scans; thousands of tiny ones make libjpeg spin.
MAX_JPEG_SCANS = 100

OUTPUT_SIZE = (413, 531)  # 35×45 mm at 300 dpi
OUTPUT_DPI = (300, 300)
JPEG_QUALITY = 90

CROP_ASPECT = 35 / 45
# react-easy-crop keeps the aspect, but its percentages are floats: allow rounding, not a
# different frame. The residual stretch (≤ 2 %) is invisible.
CROP_ASPECT_TOLERANCE = 0.02
# Below the card photo's own size the framed part would be blown up (blurred): refused. Half a pixel
# of slack: react-easy-crop's percentages of an exactly 413×531 frame round either way.
MIN_CROP_PIXELS = MIN_FRAMED_PIXELS
_ROUNDING_PIXELS = 0.5
# How far react-easy-crop's percentages may overshoot the photo's edges through rounding.
EDGE_TOLERANCE = 1e-3

_JPEG_SOI = b"\xff\xd8\xff"
_EXIF_ORIENTATION = 0x0112

# The transposition that makes a stored image upright, for each EXIF orientation.
_TO_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_AXES = {5, 6, 7, 8}

# Where a point (u, v) of the upright image, in fractions, lies in the stored image:
# the inverse of `_TO_UPRIGHT`.
_UPRIGHT_TO_STORED: dict[int, Callable[[float, float], tuple[float, float]]] = {
    1: lambda u, v: (u, v),
    2: lambda u, v: (1 - u, v),
    3: lambda u, v: (1 - u, 1 - v),
    4: lambda u, v: (u, 1 - v),
    5: lambda u, v: (v, u),
    6: lambda u, v: (v, 1 - u),
    7: lambda u, v: (1 - v, 1 - u),
    8: lambda u, v: (1 - v, u),
}


@dataclass(frozen=True)
class CropBox:
    """The user's frame in fractions (0..1) of the upright photo.

    These are react-easy-crop's `croppedAreaPercentages` divided by 100 (see
    `from_percentages`). The values come from the browser, so they are checked here;
    the 35:45 aspect can only be checked against the photo's size, in `process_photo`.
    """

    x: float
    y: float
    width: float
    height: float

    def __post_init__(self) -> None:
        try:
            x, y, width, height = (float(v) for v in (self.x, self.y, self.width, self.height))
        except (TypeError, ValueError) as exc:
            raise PhotoError("bad_crop", f"non-numeric crop {self!r}") from exc
        inside = (
            all(math.isfinite(v) for v in (x, y, width, height))
            and width > 0
            and height > 0
            and x >= -EDGE_TOLERANCE
            and y >= -EDGE_TOLERANCE
            and x + width <= 1 + EDGE_TOLERANCE
            and y + height <= 1 + EDGE_TOLERANCE
        )
        if not inside:
            raise PhotoError("bad_crop", f"crop outside the photo {self!r}")
        # Trim the rounding overshoot so the box lies inside the photo.
        x, y = max(x, 0.0), max(y, 0.0)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "width", min(width, 1.0 - x))
        object.__setattr__(self, "height", min(height, 1.0 - y))

    @classmethod
    def from_percentages(cls, area: Mapping[str, float]) -> "CropBox":
        """From react-easy-crop's `croppedArea` (x, y, width, height in percent)."""
        try:
            return cls(*(float(area[key]) / 100 for key in ("x", "y", "width", "height")))
        except (KeyError, TypeError, ValueError) as exc:
            raise PhotoError("bad_crop", f"unusable crop {area!r}") from exc

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


def sniff_is_jpeg(data: bytes) -> bool:
    """True when the bytes start like a JPEG (SOI then a marker), whatever the file's name."""
    return data[:3] == _JPEG_SOI


def largest_centred_crop(upright_size: tuple[int, int]) -> CropBox:
    """The biggest 35:45 frame centred in a photo of this (upright) size."""
    width, height = upright_size
    if width / height > CROP_ASPECT:
        frame_width = height * CROP_ASPECT / width
        return CropBox((1 - frame_width) / 2, 0.0, frame_width, 1.0)
    frame_height = width / CROP_ASPECT / height
    return CropBox(0.0, (1 - frame_height) / 2, 1.0, frame_height)


def process_photo(data: bytes, crop: CropBox | None) -> bytes:
    """The card photo as JPEG bytes; raises PhotoError for anything the family must fix."""
    with _open_jpeg(data) as image:
        orientation = _orientation(image)
        swaps = orientation in _SWAPS_AXES
        upright_size = image.size[::-1] if swaps else image.size
        frame = _resolve_crop(crop, upright_size)
        region = _upright_region_in_stored(frame, orientation)
        # Produce the output still in the stored orientation; rotating 413×531 px is free.
        stored_output = OUTPUT_SIZE[::-1] if swaps else OUTPUT_SIZE

        scale = _decode_scale(image.size, region, stored_output)
        drafted = image.draft("RGB", (image.width // scale, image.height // scale))
        # `draft` says which extent of the scaled image the original covers (sizes round up).
        extent = drafted[1][2:] if drafted else image.size
        _decode(image)

        left, top, right, bottom = region
        box = (
            left * extent[0],
            top * extent[1],
            min(right * extent[0], image.width),
            min(bottom * extent[1], image.height),
        )
        result = image.resize(stored_output, Image.Resampling.LANCZOS, box=box)
    if orientation in _TO_UPRIGHT:
        result = result.transpose(_TO_UPRIGHT[orientation])
    return _encode(result)


def process_photo_naive(data: bytes, crop: CropBox | None) -> bytes:
    """Same result the straightforward way: full decode, rotate, crop, resize."""
    with _open_jpeg(data) as image:
        _decode(image)
        upright = ImageOps.exif_transpose(image)
    frame = _resolve_crop(crop, upright.size)
    width, height = upright.size
    box = (
        round(frame.x * width),
        round(frame.y * height),
        round(frame.right * width),
        round(frame.bottom * height),
    )
    result = upright.crop(box).resize(OUTPUT_SIZE, Image.Resampling.LANCZOS)
    return _encode(result)


def _open_jpeg(data: bytes) -> ImageFile.ImageFile:
    """Open the upload lazily (header only), refusing it before any pixel is decoded."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Set globally by some other code, it would let half-received photos through.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoError("too_large", f"{len(data)} bytes")
    if not sniff_is_jpeg(data):
        raise PhotoError("not_jpeg", f"starts with {data[:16]!r}")
    if count_jpeg_scans(data, stop_after=MAX_JPEG_SCANS) > MAX_JPEG_SCANS:
        raise PhotoError("corrupt", "too many JPEG scans")
    try:
        image = Image.open(io.BytesIO(data), formats=["JPEG"])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own limit is far above MAX_PIXELS; the warning only raises under -W error.
        raise PhotoError("too_many_pixels", str(exc)) from exc
    except Exception as exc:  # Pillow's parsers raise many types on malformed headers.
        raise PhotoError("corrupt", repr(exc)) from exc
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise PhotoError("too_many_pixels", f"{width}×{height}")
    if width == 0 or height == 0:
        image.close()
        raise PhotoError("corrupt", f"{width}×{height}")
    return image


def _decode(image: Image.Image) -> None:
    try:
        image.load()
    except Exception as exc:  # truncated data raises OSError, broken markers other types
        raise PhotoError("corrupt", repr(exc)) from exc


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1 to 8); a missing, odd or unreadable tag counts as upright."""
    try:
        value = image.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # a broken EXIF block should not cost the family their photo
        return 1
    return value if value in _TO_UPRIGHT else 1


def _resolve_crop(crop: CropBox | None, upright_size: tuple[int, int]) -> CropBox:
    width, height = upright_size
    largest = largest_centred_crop(upright_size)
    if _below_minimum(largest, upright_size):
        raise PhotoError("too_small", f"{width}×{height}")
    if crop is None:
        return largest
    aspect = (crop.width * width) / (crop.height * height)
    if abs(aspect / CROP_ASPECT - 1) > CROP_ASPECT_TOLERANCE:
        raise PhotoError("bad_crop", f"aspect {aspect:.4f} on {width}×{height}")
    if _below_minimum(crop, upright_size):
        raise PhotoError("too_small", f"{crop!r} on {width}×{height}")
    return crop


def _below_minimum(crop: CropBox, upright_size: tuple[int, int]) -> bool:
    return (crop.width * upright_size[0] < MIN_CROP_PIXELS[0] - _ROUNDING_PIXELS
            or crop.height * upright_size[1] < MIN_CROP_PIXELS[1] - _ROUNDING_PIXELS)


# Markers without a length: TEM, RST0..RST7 (SOI and EOI are handled apart).
_STANDALONE_MARKERS = {0x01, *range(0xD0, 0xD8)}


def count_jpeg_scans(data: bytes, *, stop_after: int) -> int:
    """The scans (SOS segments) of a JPEG, read segment by segment: a header segment (EXIF, comment...)
    is skipped by its length whatever bytes it holds, and entropy-coded data up to the next marker
    (inside it, 0xFF is always followed by 0x00 or a restart marker). Stops counting past `stop_after`;
    a broken structure ends the count (the decoder refuses the file later)."""
    scans, position, end = 0, 2, len(data)  # after SOI
    while position + 1 < end and scans <= stop_after:
        if data[position] != 0xFF:
            return scans
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker == 0xD9:  # EOI
            return scans
        if marker in _STANDALONE_MARKERS:
            position += 2
            continue
        if position + 3 >= end:
            return scans
        position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
        if marker == 0xDA:  # SOS: its entropy-coded data runs to the next real marker
            scans += 1
            position = _next_marker(data, position)
    return scans


def _next_marker(data: bytes, position: int) -> int:
    while (position := data.find(b"\xff", position)) != -1 and position + 1 < len(data):
        following = data[position + 1]
        if following != 0x00 and following not in range(0xD0, 0xD8) and following != 0xFF:
            return position
        position += 2 if following != 0xFF else 1
    return len(data)


def _upright_region_in_stored(
    frame: CropBox, orientation: int
) -> tuple[float, float, float, float]:
    """The frame as (left, top, right, bottom) fractions of the image as stored."""
    to_stored = _UPRIGHT_TO_STORED[orientation]
    (u0, v0), (u1, v1) = to_stored(frame.x, frame.y), to_stored(frame.right, frame.bottom)
    return min(u0, u1), min(v0, v1), max(u0, u1), max(v0, v1)


def _decode_scale(
    stored_size: tuple[int, int],
    region: tuple[float, float, float, float],
    stored_output: tuple[int, int],
) -> int:
    """The DCT scale denominator (1, 2, 4 or 8) to decode at.

    The largest one that still leaves the cropped region at least as large as the output,
    so the final resize only ever shrinks; but at least the one that keeps the decode
    within MAX_DECODED_PIXELS.
    """
    width, height = stored_size
    left, top, right, bottom = region
    region_width, region_height = (right - left) * width, (bottom - top) * height
    sharp = 1
    for s in (8, 4, 2):
        if region_width / s >= stored_output[0] and region_height / s >= stored_output[1]:
            sharp = s
            break
    affordable = 1
    while width * height > MAX_DECODED_PIXELS * affordable**2 and affordable < 8:
        affordable *= 2
    return max(sharp, affordable)


def _encode(image: Image.Image) -> bytes:
    """A fresh baseline JPEG carrying no EXIF, GPS, ICC, XMP or comment: only the pixels."""
    if image.mode != "RGB":
        image = image.convert("RGB")  # grayscale and CMYK uploads
    # Operations copy `info` from the upload; the JPEG writer only reads save() arguments,
    # but an empty dict keeps any future writer from carrying metadata along.
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, dpi=OUTPUT_DPI)
    return out.getvalue()
