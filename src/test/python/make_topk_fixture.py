#!/usr/bin/env python3
"""Writes PyTorch's top-k of classifier scores, raw and after softmax, and their argmax, for rows with
ties, NaN and infinities: the golden truth for postprocess=topk, softmax+topk and argmax.

Run with Debian's PyTorch: /usr/bin/python3 src/test/python/make_topk_fixture.py
Writes src/test/resources/fixtures/topk_rows.jsonl, one row of 5 scores each (JSON's NaN, Infinity
and -Infinity spell the non-finite ones), with:
  topk_index, topk_score            torch.topk(scores, 3)
  softmax_topk_index, softmax_topk_score
                                    torch.topk(torch.softmax(scores), 3)
  ranked_index                      torch.sort(scores, descending=True, stable=True)[:3]
  argmax                            torch.argmax(scores)
  distinct, softmax_distinct        whether the row's scores (probabilities) are all different
torch.topk ranks NaN above every number but leaves the order of equal values to its selection
algorithm (a row of five equal scores comes back as 2, 4, 3); torch.sort with stable=True ranks
NaN the same way and keeps equal values in index order. torch.argmax takes the first index of the
highest score, NaN above every number (the first NaN wins) and 0.0 equal to -0.0: the stable sort's
first.
"""
import argparse
import json
import math
import os

import torch

K = 3
NAN = math.nan
INF = math.inf

ROWS = [
    [0.5, -1.25, 3.0, 2.0, 0.0],  # distinct
    [0.5, 2.0, 2.0, -1.0, 0.0],  # a tie in the top k
    [1.0, 1.0, 1.0, 1.0, 1.0],  # all equal
    [NAN, 1.0, 2.0, 3.0, 4.0],  # NaN first
    [1.0, 2.0, 3.0, 4.0, NAN],  # NaN last
    [1.0, NAN, 3.0, NAN, 2.0],  # two NaNs
    [INF, 1.0, -INF, INF, 0.0],  # two +inf and a -inf
    [-INF, NAN, INF, 1.0, -INF],  # NaN above +inf
    [NAN, NAN, NAN, NAN, NAN],  # a NaN input through a dense layer
    [-INF, 1.0, 2.0, -INF, 0.5],  # -inf: probability 0, the others finite
    [-300.0, -200.0, 5.0, -250.0, 4.0],  # distinct scores whose probabilities underflow to 0
    [0.0, -0.0, 1.0, -1.0, 0.0],  # 0.0 and -0.0 are equal
    [100.0, 90.0, 80.0, 0.0, -10.0],  # large scores
    [-1.0, -0.0, 0.0, -2.0, 0.0],  # -0.0 and 0.0 tie for the highest
    [-INF, -INF, -INF, -INF, -INF],  # all -inf: the probabilities are NaN
]


def distinct(values):
    """Whether no two values are equal, NaN counting as equal to NaN."""
    keys = ["nan" if math.isnan(v) else v for v in values]
    return len(set(keys)) == len(keys)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="src/test/resources/fixtures/topk_rows.jsonl")
    args = parser.parse_args()
    scores = torch.tensor(ROWS, dtype=torch.float32)
    probabilities = torch.softmax(scores, dim=1)
    top = torch.topk(scores, K, dim=1)
    softmax_top = torch.topk(probabilities, K, dim=1)
    ranked = torch.sort(scores, dim=1, descending=True, stable=True).indices[:, :K]
    argmax = torch.argmax(scores, dim=1)
    rows = []
    for i in range(len(ROWS)):
        row = {
            "id": i,
            "scores": scores[i].tolist(),
            "topk_index": top.indices[i].tolist(),
            "topk_score": top.values[i].tolist(),
            "softmax_topk_index": softmax_top.indices[i].tolist(),
            "softmax_topk_score": softmax_top.values[i].tolist(),
            "ranked_index": ranked[i].tolist(),
            "argmax": int(argmax[i]),
            "distinct": distinct(scores[i].tolist()),
            "softmax_distinct": distinct(probabilities[i].tolist()),
        }
        # Where nothing ties, torch.topk's order is the stable sort's, for the scores and (softmax
        # keeping their order) for the probabilities.
        if row["distinct"]:
            assert row["topk_index"] == row["ranked_index"], row
        if row["softmax_distinct"]:
            assert row["softmax_topk_index"] == row["ranked_index"], row
        assert row["argmax"] == row["ranked_index"][0], row
        assert row["argmax"] == int(torch.argmax(scores[i])), row
        rows.append(row)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")
    print("top-k rows written to", args.out, "by torch", torch.__version__)


if __name__ == "__main__":
    main()
