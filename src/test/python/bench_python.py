#!/usr/bin/env python3
"""The benchmark's `python` mode: the tutorial's own scoring loop in PyTorch, timed.

Run with Debian's PyTorch (jobs/bench does):
  /usr/bin/python3 src/test/python/bench_python.py --model-name mlp --model jobs/models/tutorial_mlp.pt \
      --data target/bench/data/mlp.f32 --width 10 --batch-sizes 256,1024 --threads 2 \
      --out target/bench/out/python --results target/bench/runs.jsonl

The model is loaded once (torch.jit.load, eval), as the JVM modes keep theirs in a per-JVM
cache. For each batch size, one timed pass does what the tutorial does: read the rows (the same
rows the Spark modes read, exported as raw little-endian float32, rows x width), score them
under no_grad in batches of that size, and write the predictions (float32) to a file. Reading
and writing are included in the time; Python's start, `import torch` and the model's load are
not, as the Spark modes do not count the JVM's and the session's start. One short unmeasured
pass first lets TorchScript's profiling executor settle for that batch shape, as the Spark
modes' warm-up run does for theirs.

Each pass appends one JSON line to --results and prints one line.
"""
import argparse
import json
import os
import time

import numpy as np
import torch


def score_file(model, data, width, batch_size, out_path, limit_rows=None):
    """The timed work: read the rows, score them in batches under no_grad, write the predictions."""
    features = np.fromfile(data, dtype="<f4", count=-1 if limit_rows is None else limit_rows * width)
    rows = features.size // width
    x = torch.from_numpy(features[: rows * width].reshape(rows, width))
    outputs = []
    with torch.no_grad():
        for start in range(0, rows, batch_size):
            outputs.append(model(x[start : start + batch_size]))
    predictions = torch.cat(outputs).numpy()
    predictions.astype("<f4").tofile(out_path)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-name", required=True, help="mlp or resnet18, as written to the results")
    parser.add_argument("--model", required=True, help="the TorchScript file")
    parser.add_argument("--data", required=True, help="raw float32 rows (rows x width)")
    parser.add_argument("--width", type=int, required=True, help="floats per row")
    parser.add_argument("--batch-sizes", required=True, help="comma-separated batch sizes")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--warmup-rows", type=int, default=0, help="rows of the unmeasured pass (0: 4 batches)")
    parser.add_argument("--repeat", type=int, default=1, help="timed passes (a short pass is noisy)")
    parser.add_argument("--out", required=True, help="folder for the predictions")
    parser.add_argument("--results", required=True, help="JSON-lines file to append to")
    args = parser.parse_args()

    # Debian's torch starts with one intra-op thread: give it the same cores the JVM modes get.
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    # Loaded once, as the JVM modes hold their model in a per-JVM cache.
    model = torch.jit.load(args.model)
    model.eval()
    for batch_size in [int(b) for b in args.batch_sizes.split(",")]:
        out_path = os.path.join(args.out, f"{args.model_name}-{batch_size}.f32")
        warmup = args.warmup_rows or 4 * batch_size
        score_file(model, args.data, args.width, batch_size, out_path, limit_rows=warmup)
        start = time.perf_counter()
        rows = sum(score_file(model, args.data, args.width, batch_size, out_path) for _ in range(args.repeat))
        seconds = time.perf_counter() - start
        run = {
            "model": args.model_name,
            "mode": "python",
            "batch_size": batch_size,
            "rows": rows,
            "seconds": round(seconds, 3),
            "rows_per_s": round(rows / seconds, 1),
            "threads": f"1 process x {torch.get_num_threads()} intra-op threads",
            "precision": "fp32",
            "engine": "pytorch",
            "output_columns": "none",
            "runtime": f"PyTorch {torch.__version__} (Debian python3-torch)",
        }
        if args.repeat > 1:
            run["note"] = f"{args.repeat} passes over the rows"
        with open(args.results, "a") as results:
            results.write(json.dumps(run) + "\n")
        print(f"bench: {args.model_name:9s} python      batch {batch_size:6d}: {rows} rows in {seconds:.2f} s ="
              f" {rows / seconds:,.0f} rows/s", flush=True)


if __name__ == "__main__":
    main()
