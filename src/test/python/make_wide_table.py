#!/usr/bin/env python3
"""Exports the skeleton of the soak's large models: a TorchScript module carrying a 24 MB table.

Run with Debian's PyTorch: /usr/bin/python3 src/test/python/make_wide_table.py
Writes src/test/resources/fixtures/wide_table.pt.gz: the module's file, gzip'd. Its table is all
zeros, so the file packs to about 25 kB; the tests unpack it and write their own values into the
table's storage (io.torchscore.WideTableModels), which makes as many different 24 MB models as they
need without PyTorch. The module returns (x * table[0]).sum(1, keepdim=True) for x of [B, 10]: with
a table filled with one value v, a row's prediction is v times the sum of its features.
"""
import argparse
import gzip
import io
import os

import torch
import torch.nn as nn

# 600,000 x 10 float32: 24,000,000 bytes, one storage entry stored uncompressed in the zip.
ROWS = 600_000
WIDTH = 10


class WideTable(nn.Module):
    """Scales each row's features by the table's first row and sums them; the rest is carried."""

    def __init__(self):
        super().__init__()
        self.register_buffer("table", torch.zeros(ROWS, WIDTH))

    def forward(self, x):
        return (x * self.table[0]).sum(1, keepdim=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="src/test/resources/fixtures/wide_table.pt.gz")
    args = parser.parse_args()
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(WideTable().eval()), buffer)
    # mtime=0: the same bytes on every run.
    with open(args.out, "wb") as out, gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(buffer.getvalue())
    print("wrote", args.out, os.path.getsize(args.out), "bytes")


if __name__ == "__main__":
    main()
