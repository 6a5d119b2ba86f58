#!/usr/bin/env python3
"""Writes small images of each kind a binary column may hold, and what PIL makes of them.

Run with Debian's Python and PIL (apt-get install python3-pil python3-numpy):
  /usr/bin/python3 src/test/python/make_image_cases.py

Writes src/test/resources/fixtures/image_cases/ (files of 188 bytes to 4.4 KB) and
image_cases.jsonl, one row per file: `levels`, PIL's Image.open(file).convert("RGB") then
torchvision's Resize(16) and CenterCrop(12) as it does them for a PIL image (Image.resize with
BILINEAR; the crop's corner rounded half to even), as 8-bit levels in channel-major order
(ToTensor divides them by 255); or `pil_error`, what PIL raised instead. PilParityTest holds the
product's decoding to these rows.
"""
import argparse
import io
import json
import os
import struct
import zlib

import numpy as np
from PIL import Image

RESIZE = 16
CROP = 12
HEIGHT, WIDTH = 24, 32


def photo(height, width, seed):
    """Smooth RGB gradients plus a little noise: like a photo, not like random pixels."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    rgb = np.stack([xx * 200 / width, yy * 200 / height, (xx + yy) * 100 / (width + height)], axis=2)
    return (rgb + rng.integers(0, 56, size=rgb.shape)).astype(np.uint8)


def encoded(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def png(pixels, bit_depth, colour_type):
    """A PNG of one IDAT chunk, written by hand for the kinds PIL does not save (4-bit gray, 16-bit RGB)."""
    height = pixels.shape[0]
    rows = pixels.reshape(height, -1)
    if bit_depth == 4:
        rows = (rows[:, 0::2] << 4 | rows[:, 1::2]).astype(np.uint8)
    elif bit_depth == 16:
        rows = rows.astype(">u2").view(np.uint8).reshape(height, -1)
    scanlines = b"".join(b"\x00" + row.tobytes() for row in rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", pixels.shape[1], height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(scanlines)) + chunk(b"IEND", b"")


def cases():
    """Returns {file name: bytes}."""
    rgb = photo(HEIGHT, WIDTH, 0)
    image = Image.fromarray(rgb, "RGB")
    alpha = (np.arange(WIDTH)[None, :].repeat(HEIGHT, 0) * 8).astype(np.uint8)
    gray = np.asarray(image.convert("L"))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    palette = image.quantize(16)
    # Large enough that its entropy-coded data starts well before 60 % of the file.
    whole_jpeg = encoded(Image.fromarray(photo(48, 64, 1), "RGB"), "JPEG", quality=90)
    whole_png = encoded(image, "PNG")
    return {
        "rgb.jpg": encoded(image, "JPEG", quality=90),
        "gray.jpg": encoded(image.convert("L"), "JPEG", quality=90),
        "exif_rotated.jpg": encoded(image, "JPEG", quality=90, exif=exif),
        "cmyk.jpg": encoded(image.convert("CMYK"), "JPEG", quality=90),
        "truncated.jpg": whole_jpeg[: int(len(whole_jpeg) * 0.6)],
        "rgb.png": whole_png,
        "palette.png": encoded(palette, "PNG"),
        "palette_transparent.png": encoded(palette, "PNG", transparency=3),
        "rgba.png": encoded(Image.fromarray(np.dstack([rgb, alpha]), "RGBA"), "PNG"),
        "la.png": encoded(Image.fromarray(np.dstack([gray, alpha]), "LA"), "PNG"),
        "gray.png": encoded(image.convert("L"), "PNG"),
        "gray_1bit.png": encoded(image.convert("1"), "PNG"),
        "gray_4bit.png": png(gray >> 4, 4, 0),
        "gray_16bit.png": encoded(Image.fromarray(gray.astype(np.uint16) * 257), "PNG"),
        "rgb_16bit.png": png(rgb.astype(np.uint16) * 257, 16, 2),
        "truncated.png": whole_png[: int(len(whole_png) * 0.6)],
    }


def torchvision_levels(path):
    """PIL's RGB pixels after torchvision's Resize(RESIZE) and CenterCrop(CROP), channel-major."""
    with Image.open(path) as opened:
        rgb = opened.convert("RGB")
    width, height = rgb.size
    short, long = (width, height) if width <= height else (height, width)
    size = (RESIZE, int(RESIZE * long / short)) if width <= height else (int(RESIZE * long / short), RESIZE)
    resized = rgb.resize(size, Image.BILINEAR)
    top = int(round((resized.height - CROP) / 2.0))
    left = int(round((resized.width - CROP) / 2.0))
    cropped = np.asarray(resized)[top : top + CROP, left : left + CROP]
    return cropped.transpose(2, 0, 1).flatten().tolist()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="src/test/resources/fixtures", help="the fixtures folder")
    args = parser.parse_args()
    folder = os.path.join(args.out, "image_cases")
    os.makedirs(folder, exist_ok=True)
    rows = []
    for name, data in cases().items():
        path = os.path.join(folder, name)
        with open(path, "wb") as out:
            out.write(data)
        try:
            rows.append({"name": name, "levels": torchvision_levels(path)})
        except OSError as e:
            rows.append({"name": name, "pil_error": str(e)})
    with open(os.path.join(args.out, "image_cases.jsonl"), "w") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
    for row in rows:
        print(row["name"], row.get("pil_error", "decoded"))


if __name__ == "__main__":
    main()
