#!/usr/bin/env python3
"""Exports torchvision's ResNet-18 (random weights, eval mode) as TorchScript for the benchmark.

Run with Debian's PyTorch: /usr/bin/python3 src/test/python/export_resnet18.py --out target/bench/models/resnet18.pt
The file is about 45 MB, so it is made at benchmark time (jobs/bench) and never committed.

The saved module takes [B, 3 * 224 * 224] float32 rows, as the benchmark's flat array column
gives them, and views them as [B, 3, 224, 224] before torchvision's ResNet-18; it returns the
logits [B, 1000]. The view costs nothing (no copy), so the Python, raw DJL and Spark runs all
score exactly the same TorchScript graph.
"""
import argparse
import os

import torch
import torch.nn as nn
import torchvision


class FlatResNet18(nn.Module):
    """torchvision's resnet18 over flat rows: [B, 150528] -> view [B, 3, 224, 224] -> [B, 1000]."""

    def __init__(self):
        super().__init__()
        self.resnet = torchvision.models.resnet18(weights=None)

    def forward(self, x):
        return self.resnet(x.view(-1, 3, 224, 224))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the TorchScript file to write")
    args = parser.parse_args()
    torch.manual_seed(0)
    model = FlatResNet18().eval()
    with torch.no_grad():
        scripted = torch.jit.trace(model, torch.zeros(2, 3 * 224 * 224))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    scripted.save(args.out)
    print(f"wrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
