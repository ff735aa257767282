"""Photo processing: refused uploads, orientation, crop, metadata removal, fast = naive.

Every input is generated with Pillow here; no binary fixture is committed.
"""

import io
import pickle
import random
import struct
import warnings
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import (
    Image,
    ImageChops,
    ImageCms,
    ImageDraw,
    ImageFile,
    ImageFilter,
    ImageStat,
    JpegImagePlugin,
)

from cjeune_app.core.photos import processing
from cjeune_app.core.photos.errors import MESSAGES, PhotoError
from cjeune_app.core.photos.processing import (
    CROP_ASPECT,
    MAX_PIXELS,
    MAX_UPLOAD_BYTES,
    OUTPUT_SIZE,
    CropBox,
    process_photo,
    process_photo_naive,
    sniff_is_jpeg,
)

PIPELINES = [process_photo, process_photo_naive]
RED, GREEN, BLUE = (220, 30, 30), (30, 180, 60), (40, 60, 210)
YELLOW, WHITE = (240, 220, 40), (250, 250, 250)

# The transposition that undoes each orientation's, to build a stored image from an upright one.
STORE_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


# --- helpers -------------------------------------------------------------------------------


def jpeg_bytes(image: Image.Image, **save_options) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, **save_options)
    return out.getvalue()


def exif_block(orientation: int | None = None, gps: bool = False) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    if orientation is not None:
        exif[0x0112] = orientation
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "N"  # GPSLatitudeRef
        gps_ifd[2] = (43.0, 17.0, 49.0)  # GPSLatitude (Marseille)
        gps_ifd[3] = "E"
        gps_ifd[4] = (5.0, 22.0, 12.0)
    return exif


def quadrants(size: tuple[int, int]) -> Image.Image:
    """Red top-left, green top-right, blue bottom-left, yellow bottom-right."""
    width, height = size
    image = Image.new("RGB", size, WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 2 - 1, height // 2 - 1), fill=RED)
    draw.rectangle((width // 2, 0, width - 1, height // 2 - 1), fill=GREEN)
    draw.rectangle((0, height // 2, width // 2 - 1, height - 1), fill=BLUE)
    draw.rectangle((width // 2, height // 2, width - 1, height - 1), fill=YELLOW)
    return image


@cache
def photo_like(size: tuple[int, int]) -> Image.Image:
    """Gradients, shapes and a little noise: detail that shows any misplaced pixel."""
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge(
        "RGB",
        (
            gradient,
            gradient.transpose(Image.Transpose.ROTATE_180),
            Image.radial_gradient("L").resize(size),
        ),
    )
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.3, height * 0.15, width * 0.7, height * 0.6), fill=(200, 160, 130))
    draw.rectangle((width * 0.05, height * 0.7, width * 0.25, height * 0.95), fill=BLUE)
    # Seeded noise (Pillow's effect_noise depends on earlier calls): ±8 grain like a sensor's.
    grain = random.Random(f"{size}").randbytes(width * height)
    noise = Image.frombytes("L", size, grain).point(lambda v: 120 + v // 16).convert("RGB")
    return ImageChops.add(image, noise, scale=1.0, offset=-128)


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def colour_at(image: Image.Image, fx: float, fy: float) -> tuple[float, ...]:
    """Mean colour of a small patch around a point given in fractions of the image."""
    x, y = int(fx * image.width), int(fy * image.height)
    return tuple(ImageStat.Stat(image.crop((x - 4, y - 4, x + 4, y + 4))).mean)


def close_to(actual: tuple[float, ...], expected: tuple[int, ...], tolerance: float = 30) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def mean_difference(a: bytes, b: bytes, blur: float = 0) -> float:
    """Mean absolute difference per channel; blurring first compares structure, not noise."""
    first, second = decoded(a), decoded(b)
    if blur:
        first = first.filter(ImageFilter.GaussianBlur(blur))
        second = second.filter(ImageFilter.GaussianBlur(blur))
    stat = ImageStat.Stat(ImageChops.difference(first, second))
    return sum(stat.mean) / len(stat.mean)


def header_segments(data: bytes) -> list[tuple[int, int]]:
    """(marker, offset) of each header segment, up to and including the first scan."""
    assert data[:2] == b"\xff\xd8"
    segments, offset = [], 2
    while True:
        marker = data[offset + 1]
        segments.append((marker, offset))
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return segments
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        offset += 2 + length


def with_frame_size(data: bytes, width: int, height: int) -> bytes:
    """The same JPEG whose frame header (SOF0) claims another size: a decompression bomb."""
    sof = next(offset for marker, offset in header_segments(data) if marker == 0xC0)
    return data[: sof + 5] + struct.pack(">HH", height, width) + data[sof + 9 :]


def frame_for(upright_size: tuple[int, int], x: float, y: float, width: float) -> CropBox:
    """A 35:45 crop of the given width (fraction) at (x, y) on an upright image of that size."""
    height = width * upright_size[0] / (upright_size[1] * CROP_ASPECT)
    return CropBox(x, y, width, height)


def refused(pipeline, data: bytes, crop: CropBox | None = None) -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        pipeline(data, crop)
    return caught.value


# --- refused inputs ------------------------------------------------------------------------


def png_bytes() -> bytes:
    out = io.BytesIO()
    quadrants((350, 450)).save(out, "PNG")
    return out.getvalue()


NOT_JPEG = {
    "png": png_bytes,
    "pdf": lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "heic": lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200),
    "gif": lambda: b"GIF89a" + bytes(100),
    "webp": lambda: b"RIFF\x00\x01\x00\x00WEBPVP8 " + bytes(100),
    "empty": lambda: b"",
    "soi_only": lambda: b"\xff\xd8",
}


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("kind", NOT_JPEG)
def test_non_jpeg_files_are_refused_with_the_accepted_format(pipeline, kind):
    error = refused(pipeline, NOT_JPEG[kind]())
    assert error.code == "not_jpeg"
    assert "JPEG (.jpg, .jpeg)" in error.message
    assert "PNG, PDF, HEIC" in error.message
    assert "10 Mo" in error.message


def test_a_png_renamed_jpg_is_refused_because_the_bytes_decide(tmp_path):
    renamed = tmp_path / "photo.jpg"
    renamed.write_bytes(png_bytes())
    assert not sniff_is_jpeg(renamed.read_bytes())
    assert refused(process_photo, renamed.read_bytes()).code == "not_jpeg"


def test_a_jpeg_with_any_name_is_recognised():
    assert sniff_is_jpeg(jpeg_bytes(quadrants((350, 450))))


TRUNCATIONS = {
    "half": lambda data: data[: len(data) // 2],
    "end_marker_missing": lambda data: data[:-2],
    "headers_only": lambda data: data[: data.index(b"\xff\xda") + 20],
    "progressive_cut": None,
}


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("cut", TRUNCATIONS)
def test_a_truncated_jpeg_is_refused_as_corrupt(pipeline, cut):
    image = photo_like((600, 800))
    if cut == "progressive_cut":
        data = jpeg_bytes(image, progressive=True)
        data = data[: len(data) * 2 // 3]
    else:
        data = TRUNCATIONS[cut](jpeg_bytes(image))
    error = refused(pipeline, data)
    assert error.code == "corrupt"
    assert "JPEG" in error.message and "10 Mo" in error.message


def test_truncated_uploads_cannot_be_let_through_by_a_global_pillow_setting(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError):
        process_photo(jpeg_bytes(quadrants((350, 450))), None)


def fail_if_called(*args, **kwargs):
    raise AssertionError("the upload should have been refused before decoding")


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_an_oversized_file_is_refused_before_decoding(pipeline, monkeypatch):
    data = jpeg_bytes(quadrants((350, 450)))
    data += bytes(MAX_UPLOAD_BYTES + 1 - len(data))
    monkeypatch.setattr(processing.Image, "open", fail_if_called)
    error = refused(pipeline, data)
    assert error.code == "too_large"
    assert "10 Mo" in error.message and "JPEG" in error.message


def test_a_file_at_the_size_limit_is_accepted():
    data = jpeg_bytes(quadrants((420, 540)))
    data += bytes(MAX_UPLOAD_BYTES - len(data))  # bytes after the end marker are ignored
    assert decoded(process_photo(data, None)).size == OUTPUT_SIZE


# 80 MP: over our limit; 144 MP: Pillow warns; 3.6 GP: Pillow raises its own error.
BOMBS = [(10_000, 8_000), (12_000, 12_000), (60_000, 60_000)]


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("size", BOMBS)
@pytest.mark.parametrize("warning_filter", ["ignore", "error"])
def test_a_decompression_bomb_is_refused_without_decoding(
    pipeline, size, warning_filter, monkeypatch
):
    bomb = with_frame_size(jpeg_bytes(quadrants((350, 450))), *size)
    assert len(bomb) < 20_000
    monkeypatch.setattr(ImageFile.ImageFile, "load", fail_if_called)
    with warnings.catch_warnings():
        warnings.simplefilter(warning_filter, Image.DecompressionBombWarning)
        error = refused(pipeline, bomb)
    assert error.code == "too_many_pixels"
    assert "50 mégapixels" in error.message


def test_a_real_photo_over_the_pixel_limit_is_refused():
    side = int(MAX_PIXELS**0.5) + 1
    data = jpeg_bytes(Image.new("RGB", (side, side), WHITE))
    assert refused(process_photo, data).code == "too_many_pixels"


def test_a_jpeg_with_too_many_scans_is_refused_before_decoding(monkeypatch):
    progressive = jpeg_bytes(photo_like((600, 800)), progressive=True)
    scans = processing.count_jpeg_scans(progressive, stop_after=processing.MAX_JPEG_SCANS)
    assert scans == progressive.count(b"\xff\xda")  # no marker bytes elsewhere in this one
    assert 1 < scans <= processing.MAX_JPEG_SCANS  # real progressive files pass
    monkeypatch.setattr(processing, "MAX_JPEG_SCANS", scans - 1)
    monkeypatch.setattr(ImageFile.ImageFile, "load", fail_if_called)
    assert refused(process_photo, progressive).code == "corrupt"


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_tiny_image_is_refused_as_too_small(pipeline):
    error = refused(pipeline, jpeg_bytes(Image.new("RGB", (30, 40), WHITE)))
    assert error.code == "too_small"
    assert "JPEG" in error.message


def test_messages_state_the_limits_actually_enforced():
    megabytes = f"{MAX_UPLOAD_BYTES // 2**20} Mo"
    assert all(megabytes in message for code, message in MESSAGES.items() if code != "bad_crop")
    assert f"{MAX_PIXELS // 1_000_000} mégapixels" in MESSAGES["too_many_pixels"]
    assert "35 × 45" in MESSAGES["bad_crop"]


def test_a_photo_error_survives_pickling():
    error = pickle.loads(pickle.dumps(PhotoError("too_large", "11 MB")))
    assert (error.code, error.detail) == ("too_large", "11 MB")
    assert error.message == str(error) == MESSAGES["too_large"]


# --- crop boxes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        (-0.1, 0, 0.5, 0.5),
        (0, 0, 0, 0.5),
        (0, 0, 0.5, -0.5),
        (0.6, 0, 0.5, 0.5),
        (0, 0.7, 0.5, 0.5),
        (float("nan"), 0, 0.5, 0.5),
        (0, float("inf"), 0.5, 0.5),
        ("abc", 0, 0.5, 0.5),
        (None, 0, 0.5, 0.5),
    ],
)
def test_a_crop_outside_the_photo_is_refused(values):
    with pytest.raises(PhotoError) as caught:
        CropBox(*values)
    assert caught.value.code == "bad_crop"


def test_rounding_overshoot_at_the_edges_is_trimmed():
    crop = CropBox(-0.0004, 0.2, 1.0006, 0.5)
    assert crop.x == 0 and crop.width == 1


def test_crop_from_react_easy_crop_percentages():
    assert CropBox.from_percentages({"x": 10, "y": 20, "width": 50, "height": 40}) == CropBox(
        0.1, 0.2, 0.5, 0.4
    )
    with pytest.raises(PhotoError):
        CropBox.from_percentages({"x": 10, "y": 20})


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_crop_of_the_wrong_aspect_is_refused(pipeline):
    data = jpeg_bytes(quadrants((700, 900)))
    error = refused(pipeline, data, CropBox(0, 0, 1, 0.5))
    assert error.code == "bad_crop"
    assert "35 × 45" in error.message


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_crop_smaller_than_a_few_pixels_is_refused(pipeline):
    data = jpeg_bytes(quadrants((700, 900)))
    assert refused(pipeline, data, CropBox(0.5, 0.5, 0.02, 0.02)).code == "too_small"


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("size", [(40, 52), (35, 45), (412, 530), (300, 800)])
def test_a_photo_smaller_than_the_card_photo_is_refused_saying_the_minimum(pipeline, size):
    error = refused(pipeline, jpeg_bytes(Image.new("RGB", size, WHITE)))
    assert error.code == "too_small" and "413 × 531 pixels" in error.message


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_framed_part_smaller_than_413_by_531_is_refused_even_in_a_large_photo(pipeline):
    data = jpeg_bytes(quadrants((1000, 1000)))
    width, height = 400 / 1000, 400 / CROP_ASPECT / 1000  # 400×514 px framed
    error = refused(pipeline, data, CropBox(0.1, 0.1, width, height))
    assert error.code == "too_small" and "413 × 531" in error.message
    exact = decoded(pipeline(jpeg_bytes(Image.new("RGB", (413, 531), WHITE)), CropBox(0, 0, 1, 1)))
    assert exact.size == OUTPUT_SIZE  # exactly the card photo's size passes


def with_segment(data: bytes, marker: int, payload: bytes) -> bytes:
    """`data` with a header segment inserted right after SOI."""
    return data[:2] + bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload + data[2:]


def test_the_scan_count_reads_the_jpeg_structure_not_the_bytes_of_its_metadata(monkeypatch):
    baseline = jpeg_bytes(photo_like((600, 800)))
    lure = b"\xff\xda\x00\x08" * 2000  # start-of-scan bytes inside a comment and an APP segment
    dressed = with_segment(with_segment(baseline, 0xFE, lure), 0xE4, lure)
    assert dressed.count(b"\xff\xda") > processing.MAX_JPEG_SCANS
    assert processing.count_jpeg_scans(baseline, stop_after=100) == processing.count_jpeg_scans(
        dressed, stop_after=100) == 1
    assert decoded(process_photo(dressed, None)).size == OUTPUT_SIZE  # accepted, like the same photo bare

    progressive = jpeg_bytes(photo_like((600, 800)), progressive=True)
    scans = processing.count_jpeg_scans(progressive, stop_after=100)
    assert scans > 1 and processing.count_jpeg_scans(with_segment(progressive, 0xFE, lure), stop_after=100) == scans
    monkeypatch.setattr(processing, "MAX_JPEG_SCANS", scans - 1)
    for data in (progressive, with_segment(progressive, 0xFE, lure)):  # refused with or without metadata
        assert refused(process_photo, data).code == "corrupt"


# --- geometry --------------------------------------------------------------------------------


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_output_is_a_413_by_531_jpeg_at_300_dpi(pipeline):
    out = decoded(pipeline(jpeg_bytes(photo_like((1200, 900))), None))
    assert out.format == "JPEG"
    assert out.mode == "RGB"
    assert out.size == OUTPUT_SIZE == (413, 531)
    assert out.info["dpi"] == pytest.approx((300, 300))


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_orientation_6_comes_out_upright(pipeline):
    # Stored 900×600 as the sensor saw it, red stripe along the stored top edge. Orientation 6
    # means "rotate 90° clockwise to view": the stripe is the right edge of the upright photo.
    stored = Image.new("RGB", (900, 600), WHITE)
    ImageDraw.Draw(stored).rectangle((0, 0, 899, 89), fill=RED)
    out = decoded(pipeline(jpeg_bytes(stored, exif=exif_block(orientation=6)), None))
    assert out.size == OUTPUT_SIZE
    assert close_to(colour_at(out, 0.97, 0.5), RED)
    for fx, fy in [(0.03, 0.5), (0.5, 0.03), (0.5, 0.97), (0.5, 0.5)]:
        assert close_to(colour_at(out, fx, fy), WHITE)


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_gives_the_upright_picture(pipeline, orientation):
    upright = quadrants((1400, 1800))
    stored = upright if orientation == 1 else upright.transpose(STORE_AS[orientation])
    data = jpeg_bytes(stored, exif=exif_block(orientation=orientation))
    # The crop is given on the upright picture: its top-left quadrant plus a bit of the rest.
    out = decoded(pipeline(data, frame_for(upright.size, 0.0, 0.0, 0.75)))
    assert close_to(colour_at(out, 0.2, 0.2), RED)
    assert close_to(colour_at(out, 0.9, 0.2), GREEN)
    assert close_to(colour_at(out, 0.2, 0.9), BLUE)
    assert close_to(colour_at(out, 0.9, 0.9), YELLOW)


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_crop_of_the_top_left_quadrant_is_all_red(pipeline):
    data = jpeg_bytes(quadrants((1400, 1800)))
    out = decoded(pipeline(data, CropBox(0, 0, 0.5, 0.5)))
    for fx in (0.03, 0.5, 0.97):
        for fy in (0.03, 0.5, 0.97):
            assert close_to(colour_at(out, fx, fy), RED)


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_crop_of_the_centre_keeps_the_four_quadrants_in_place(pipeline):
    data = jpeg_bytes(quadrants((1400, 1800)))
    out = decoded(pipeline(data, CropBox(0.25, 0.25, 0.5, 0.5)))
    assert close_to(colour_at(out, 0.25, 0.25), RED)
    assert close_to(colour_at(out, 0.75, 0.25), GREEN)
    assert close_to(colour_at(out, 0.25, 0.75), BLUE)
    assert close_to(colour_at(out, 0.75, 0.75), YELLOW)


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_without_a_crop_the_largest_centred_frame_is_used(pipeline):
    # 1800×900 landscape: the centred 35:45 frame (700×900) spans x = 550..1250.
    image = Image.new("RGB", (1800, 900), RED)
    ImageDraw.Draw(image).rectangle((550, 0, 1249, 899), fill=GREEN)
    out = decoded(pipeline(jpeg_bytes(image), None))
    for fx in (0.02, 0.5, 0.98):
        assert close_to(colour_at(out, fx, 0.5), GREEN)


# --- metadata --------------------------------------------------------------------------------


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_output_carries_no_metadata_at_all(pipeline):
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = jpeg_bytes(
        photo_like((1200, 1600)),
        exif=exif_block(orientation=6, gps=True),
        icc_profile=icc,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>',
        comment=b"Marseille, chez mamie",
    )
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825)  # the upload does carry GPS

    result = pipeline(data, None)
    out = decoded(result)
    assert not out.getexif()
    assert not out.getexif().get_ifd(0x8825)
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(out.info)
    # Only JFIF (APP0), quantisation and Huffman tables, frame and scan headers remain.
    assert {marker for marker, _ in header_segments(result)} <= {0xE0, 0xDB, 0xC4, 0xC0, 0xDD, 0xDA}
    assert b"Marseille" not in result and b"PhoneMaker" not in result


# --- colour modes --------------------------------------------------------------------------


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_cmyk_jpeg_comes_out_rgb(pipeline):
    data = jpeg_bytes(quadrants((700, 900)).convert("CMYK"))
    assert Image.open(io.BytesIO(data)).mode == "CMYK"
    out = decoded(pipeline(data, None))
    assert out.mode == "RGB" and out.size == OUTPUT_SIZE
    assert close_to(colour_at(out, 0.25, 0.25), RED, tolerance=40)
    assert close_to(colour_at(out, 0.75, 0.75), YELLOW, tolerance=40)


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_grayscale_jpeg_comes_out_rgb(pipeline):
    data = jpeg_bytes(quadrants((700, 900)).convert("L"))
    assert Image.open(io.BytesIO(data)).mode == "L"
    out = decoded(pipeline(data, None))
    assert out.mode == "RGB" and out.size == OUTPUT_SIZE
    red, green, blue = colour_at(out, 0.25, 0.25)
    assert abs(red - green) < 3 and abs(green - blue) < 3


def test_a_multi_picture_jpeg_from_a_phone_uses_its_main_picture():
    main, depth_map = quadrants((700, 900)), Image.new("RGB", (700, 900), WHITE)
    out = io.BytesIO()
    main.save(out, "MPO", save_all=True, append_images=[depth_map])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    result = decoded(process_photo(out.getvalue(), None))
    assert close_to(colour_at(result, 0.25, 0.25), RED)


# --- fast pipeline = naive pipeline --------------------------------------------------------


# Blurred, the two pipelines' outputs differ by about 0.25 (0.35 at most); a frame 2.5 px
# off in the output differs by more (see the test below).
SAME_PICTURE = 0.45


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("frame", [None, (0.1, 0.05, 0.5), (0.4, 0.3, 0.28), (0.0, 0.0, 0.3)])
def test_fast_and_naive_pipelines_agree(orientation, frame):
    stored = photo_like((2000, 1500))
    upright_size = stored.size[::-1] if orientation >= 5 else stored.size
    crop = frame_for(upright_size, *frame) if frame else None
    data = jpeg_bytes(stored, exif=exif_block(orientation=orientation))
    fast, naive = process_photo(data, crop), process_photo_naive(data, crop)
    assert mean_difference(fast, naive, blur=3) < SAME_PICTURE
    assert mean_difference(fast, naive) < 4  # fine detail and noise, resampled differently


def test_the_agreement_threshold_catches_a_frame_a_few_pixels_off():
    data = jpeg_bytes(photo_like((2000, 1500)))
    fast = process_photo(data, frame_for((2000, 1500), 0.1, 0.05, 0.5))
    # 6 source pixels to the right: 2.5 pixels in the output.
    shifted = process_photo_naive(data, frame_for((2000, 1500), 0.103, 0.05, 0.5))
    assert mean_difference(fast, shifted, blur=3) > SAME_PICTURE


@pytest.fixture
def draft_requests(monkeypatch) -> list[tuple[int, int]]:
    """The sizes the fast pipeline asks libjpeg to decode at."""
    requested = []
    original_draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        requested.append(size)
        return original_draft(self, mode, size)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    return requested


def test_fast_pipeline_decodes_a_phone_photo_at_reduced_scale(draft_requests):
    process_photo(jpeg_bytes(photo_like((4000, 3000))), None)
    # The centred frame is 2333×3000: at a quarter (583×750) it still exceeds 413×531.
    assert draft_requests == [(1000, 750)]


def test_fast_pipeline_keeps_full_resolution_for_a_tight_crop(draft_requests):
    process_photo(jpeg_bytes(photo_like((4000, 3000))), frame_for((4000, 3000), 0.4, 0.3, 0.11))
    assert draft_requests == [(4000, 3000)]


def test_fast_pipeline_bounds_the_decode_of_a_very_large_photo(draft_requests):
    large = Image.linear_gradient("L").resize((5000, 4000)).convert("RGB")
    process_photo(jpeg_bytes(large), frame_for((5000, 4000), 0.4, 0.3, 0.09))
    # 20 MP exceeds MAX_DECODED_PIXELS: half scale, although the crop would want full.
    assert processing.MAX_DECODED_PIXELS < 5000 * 4000
    assert draft_requests == [(2500, 2000)]


# --- properties ----------------------------------------------------------------------------


@cache
def sample_upload(size: tuple[int, int], orientation: int) -> bytes:
    return jpeg_bytes(photo_like(size), exif=exif_block(orientation=orientation))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.sampled_from([(1200, 900), (900, 1200), (800, 600), (3000, 2000)]),
    orientation=st.integers(1, 8),
    width_share=st.floats(0.0, 1.0),
    x_share=st.floats(0.0, 1.0),
    y_share=st.floats(0.0, 1.0),
    aspect_jitter=st.floats(-0.015, 0.015),
)
def test_any_valid_crop_gives_a_413_by_531_photo(
    size, orientation, width_share, x_share, y_share, aspect_jitter
):
    upright = size[::-1] if orientation >= 5 else size
    # Widest 35:45 frame that fits, then any width down to the minimum the crop allows.
    widest = min(1.0, upright[1] * CROP_ASPECT / upright[0])
    minimum_width, minimum_height = (1.02 * side for side in processing.MIN_CROP_PIXELS)
    narrowest = max(minimum_width, minimum_height * CROP_ASPECT) / upright[0]
    width = narrowest + (widest - narrowest) * width_share
    height = min(1.0, width * upright[0] / (upright[1] * CROP_ASPECT) * (1 + aspect_jitter))
    crop = CropBox((1 - width) * x_share, (1 - height) * y_share, width, height)
    out = decoded(process_photo(sample_upload(size, orientation), crop))
    assert out.size == OUTPUT_SIZE


# Pillow warns about the damaged EXIF blocks it skips; that is expected here.
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("pipeline", PIPELINES)
@settings(max_examples=150, deadline=None)
@given(
    cut=st.integers(0, 10_000),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=4),
)
def test_a_damaged_upload_gives_a_photo_or_a_photo_error_never_a_crash(pipeline, cut, flips):
    data = bytearray(sample_upload((320, 240), 6)[: max(cut, 3)])
    for position, value in flips:
        if 3 <= position < len(data):
            data[position] = value
    try:
        result = pipeline(bytes(data), None)
    except PhotoError:
        return
    assert decoded(result).size == OUTPUT_SIZE
