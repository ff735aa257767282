"""Benchmark of the identity-photo pipeline on a 4000×3000 phone JPEG (issue 5).

    python bench/bench_photo.py [--runs 30]

Times `process_photo` (DCT-scaled decode) against `process_photo_naive` (full decode,
rotate, crop, resize) on the same upload, then measures each one's peak memory in a fresh
process. Targets: fast median ≤ 150 ms, fast peak ≤ 200 MB, fast ≥ 3× faster than naive.
"""

import argparse
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageChops, ImageDraw, features  # noqa: E402

from cjeune_app.core.photos.processing import process_photo, process_photo_naive  # noqa: E402

PIPELINES = {"fast": process_photo, "naive": process_photo_naive}
TARGET_MEDIAN_MS = 150
TARGET_PEAK_MB = 200
TARGET_SPEEDUP = 3


def phone_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    """A 12 MP JPEG shaped like a phone's: smooth gradients, objects, sensor grain (about
    3.3 MB at quality 92), held sideways (EXIF orientation 6), with GPS and camera tags."""
    size = (width, height)
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge(
        "RGB",
        (
            gradient,
            gradient.transpose(Image.Transpose.ROTATE_90).resize(size),
            Image.radial_gradient("L").resize(size),
        ),
    )
    rng = random.Random(5)
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(50, 600)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in "rgb"))
    # ±12 levels of grain, different in each channel.
    grain = Image.frombytes("L", size, rng.randbytes(width * height)).point(lambda v: 116 + v // 11)
    noise = Image.merge(
        "RGB",
        (
            grain,
            grain.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
            grain.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
        ),
    )
    image = ImageChops.add(image, noise, scale=1.0, offset=-128)

    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "PhoneMaker", "Phone 12", 6
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (43.0, 17.0, 49.0), "E", (5.0, 22.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def time_pipelines(data: bytes, runs: int) -> dict[str, list[float]]:
    """Milliseconds per run of each pipeline, alternating them so both see the same load."""
    durations: dict[str, list[float]] = {name: [] for name in PIPELINES}
    for pipeline in PIPELINES.values():
        pipeline(data, None)  # warm-up: plugin registration, allocator
    for _ in range(runs):
        for name, pipeline in PIPELINES.items():
            start = time.perf_counter()
            pipeline(data, None)
            durations[name].append((time.perf_counter() - start) * 1000)
    return durations


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB.

    Linux's VmHWM belongs to the process's own address space, so it starts afresh at exec;
    ru_maxrss (the fallback elsewhere) may carry the high-water mark of the parent that
    spawned us. Either way it counts Pillow's C buffers, which tracemalloc does not see.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs KiB


def measure_peak_in_this_process(name: str, path: str) -> None:
    """Child side: read the upload, note the peak so far, run once, note it again."""
    data = Path(path).read_bytes()
    before = peak_rss_mb()
    PIPELINES[name](data, None)
    print(json.dumps({"before": before, "after": peak_rss_mb()}))


def peak_memory(name: str, path: str) -> dict[str, float]:
    """Peak memory of one run in a fresh interpreter, where no earlier run's high-water
    mark can hide it."""
    child = subprocess.run(
        [sys.executable, __file__, "--peak-memory-of", name, path],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout)


def percentile_95(durations: list[float]) -> float:
    return statistics.quantiles(durations, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--peak-memory-of", nargs=2, metavar=("PIPELINE", "PATH"))
    args = parser.parse_args()
    if args.peak_memory_of:
        measure_peak_in_this_process(*args.peak_memory_of)
        return

    data = phone_jpeg()
    timings = time_pipelines(data, args.runs)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "upload.jpg")
        Path(path).write_bytes(data)
        memory = {name: peak_memory(name, path) for name in PIPELINES}

    medians = {name: statistics.median(timings[name]) for name in PIPELINES}
    speedup = medians["naive"] / medians["fast"]
    print(
        f"Input: 4000×3000 JPEG, {len(data) / 1e6:.1f} MB, quality 92, EXIF orientation 6"
        " + GPS; default centred 35:45 crop → 413×531."
    )
    print(
        f"Pillow {Image.__version__}, libjpeg-turbo {features.version('libjpeg_turbo')},"
        f" Python {sys.version.split()[0]}, {os.cpu_count()} CPU;"
        f" {args.runs} alternating runs after a warm-up."
    )
    print()
    row = "{:<9} {:>10} {:>8} {:>12} {:>16}"
    print(row.format("pipeline", "median ms", "p95 ms", "peak RSS MB", "+ over baseline"))
    for name in PIPELINES:
        before, after = memory[name]["before"], memory[name]["after"]
        print(
            row.format(
                name,
                f"{medians[name]:.1f}",
                f"{percentile_95(timings[name]):.1f}",
                f"{after:.1f}",
                f"{after - before:.1f}",
            )
        )
    print()
    print(f"Speed-up (naive median / fast median): {speedup:.1f}×")
    print(
        "Peak RSS: VmHWM (high-water resident memory, Linux; ru_maxrss elsewhere) of a fresh"
        " interpreter that imported Pillow, read the upload and ran the pipeline once;"
        " '+ over baseline' is its growth during that run."
    )
    checks = [
        (f"fast median ≤ {TARGET_MEDIAN_MS} ms", medians["fast"] <= TARGET_MEDIAN_MS),
        (f"fast peak ≤ {TARGET_PEAK_MB} MB", memory["fast"]["after"] <= TARGET_PEAK_MB),
        (f"speed-up ≥ {TARGET_SPEEDUP}×", speedup >= TARGET_SPEEDUP),
    ]
    print("Targets: " + ", ".join(f"{label} {'OK' if ok else 'MISSED'}" for label, ok in checks))


if __name__ == "__main__":
    main()
