#!/usr/bin/env python3
"""Writes the benchmark's JPEG files: photo-like content of mixed sizes, the same on every run.

Run with Debian's Python (jobs/bench does):
  /usr/bin/python3 src/test/python/make_jpegs.py --out target/bench/data/jpeg --count 2048

Image i is seeded with i: a width and a height each drawn from 300-640 px, a smooth two-colour
gradient, a few filled ellipses and rectangles, and a little noise (JPEG encoders and decoders
behave on such content as on photos, unlike on pure noise), saved by PIL at quality 90 with
4:2:0 chroma subsampling (PIL's and most cameras' default). Existing files are kept, so a second
run costs nothing; files numbered --count and above are removed.

With --torchvision FILE, also writes torchvision's Resize(256), CenterCrop(224), ToTensor(),
Normalize(ImageNet) of the first --torchvision-count images, as raw little-endian float32
[count, 3, 224, 224]: the truth the benchmark's decoder comparison measures its accuracy against.
"""
import argparse
import os

import numpy as np
from PIL import Image, ImageDraw


def make_image(seed):
    """Returns image `seed`: an RGB PIL image of 300-640 x 300-640 px."""
    rng = np.random.default_rng(seed)
    width, height = (int(v) for v in rng.integers(300, 641, size=2))
    xx = np.arange(width, dtype=np.float32) * np.float32(rng.uniform(-1, 1))
    yy = np.arange(height, dtype=np.float32)[:, None] * np.float32(rng.uniform(-1, 1))
    t = xx + yy
    t = (t - t.min()) / (np.ptp(t) + 1e-6)
    # Colours stay within 12-243 so that adding noise of -12..12 needs no clipping.
    start, end = rng.uniform(12, 243, size=(2, 3)).astype(np.float32)
    pixels = start + t[..., None] * (end - start)
    image = Image.fromarray(pixels.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(3, 9))):
        x0, x1 = sorted(int(v) for v in rng.integers(0, width, size=2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, height, size=2))
        colour = tuple(int(v) for v in rng.integers(12, 244, size=3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=colour)
    pixels = np.array(image)
    pixels += rng.integers(0, 25, size=pixels.shape, dtype=np.uint8)
    pixels -= 12
    return Image.fromarray(pixels, "RGB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the folder to write image_NNNNN.jpg into")
    parser.add_argument("--count", type=int, default=2048, help="how many images")
    parser.add_argument("--torchvision", help="also write torchvision's preprocessing of the first images here")
    parser.add_argument("--torchvision-count", type=int, default=32, help="how many images --torchvision covers")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):
        if name.startswith("image_") and int(name[6:11]) >= args.count:
            os.remove(os.path.join(args.out, name))
    for i in range(args.count):
        path = os.path.join(args.out, "image_%05d.jpg" % i)
        if not os.path.exists(path):
            make_image(i).save(path, quality=90)
    if args.torchvision:
        write_torchvision(args.out, args.torchvision_count, args.torchvision)
    print(args.out)


def write_torchvision(folder, count, out_path):
    """torchvision's ImageNet preprocessing of image_00000.jpg .. count - 1, as float32."""
    import torch
    from torchvision import transforms

    preprocess = transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    tensors = []
    for i in range(count):
        with Image.open(os.path.join(folder, "image_%05d.jpg" % i)) as image:
            tensors.append(preprocess(image.convert("RGB")))
    torch.stack(tensors).numpy().astype("<f4").tofile(out_path)


if __name__ == "__main__":
    main()
