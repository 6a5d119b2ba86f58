#!/usr/bin/env python3
"""Exports the TorchScript fixtures and PyTorch's own outputs for them (the tests' golden truth).

Run with Debian's PyTorch: /usr/bin/python3 src/test/python/make_fixtures.py
Writes small files under src/test/resources/fixtures/ and the demo model under jobs/models/.
Each fixture is a model file plus a JSON-lines table whose `expected` column is what the model
returns in PyTorch (eval mode, no_grad) for that row's inputs.
"""
import argparse
import json
import os

import torch
import torch.nn as nn


class TutorialMlp(nn.Module):
    """The tutorial's SimpleModel: Linear(10, 5) -> ReLU -> Linear(5, 1), output [B, 1]."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 5)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(5, 1)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


class VectorMlp(nn.Module):
    """Linear(10, 8) -> ReLU -> Linear(8, 3): a vector output [B, 3]."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class ColumnsModel(nn.Module):
    """Linear(4, 1) squeezed to [B]: scores four separate numeric columns."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 1)

    def forward(self, x):
        return self.fc(x).squeeze(1)


def export(model, path):
    scripted = torch.jit.script(model.eval())
    scripted.save(path)
    return scripted


def predict(model, x):
    with torch.no_grad():
        return model(x)


def write_rows(path, rows):
    with open(path, "w") as out:
        for row in rows:
            out.write(json.dumps(row) + "\n")


def array_fixture(out_dir, name, model, rows, width):
    scripted = export(model, os.path.join(out_dir, name + ".pt"))
    x = torch.randn(rows, width, dtype=torch.float32)
    y = predict(scripted, x)
    if y.dim() == 2 and y.shape[1] == 1:
        y = y.squeeze(1)
    write_rows(
        os.path.join(out_dir, name + ".jsonl"),
        [{"id": i, "features": x[i].tolist(), "expected": y[i].tolist()} for i in range(rows)],
    )


def columns_fixture(out_dir, rows):
    scripted = export(ColumnsModel(), os.path.join(out_dir, "columns_model.pt"))
    a = torch.randint(-50, 50, (rows,))
    b = torch.randint(-20, 20, (rows,))
    c = torch.randn(rows, dtype=torch.float32)
    d = torch.randn(rows, dtype=torch.float64)
    x = torch.stack([a.float(), b.float(), c, d.float()], dim=1)
    y = predict(scripted, x)
    write_rows(
        os.path.join(out_dir, "columns_model.jsonl"),
        [
            {"id": i, "a": int(a[i]), "b": int(b[i]), "c": float(c[i]), "d": float(d[i]),
             "expected": float(y[i])}
            for i in range(rows)
        ],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="src/test/resources/fixtures")
    parser.add_argument("--demo-model", default="jobs/models/tutorial_mlp.pt")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(20261128)
    array_fixture(args.out, "tutorial_mlp", TutorialMlp(), 1000, 10)
    array_fixture(args.out, "vector_mlp", VectorMlp(), 300, 10)
    columns_fixture(args.out, 200)
    os.makedirs(os.path.dirname(args.demo_model), exist_ok=True)
    export(TutorialMlp(), args.demo_model)
    print("fixtures written to", args.out, "and", args.demo_model)


if __name__ == "__main__":
    main()
