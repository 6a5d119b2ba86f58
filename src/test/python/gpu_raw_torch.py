#!/usr/bin/env python3
"""Raw PyTorch's throughput on one device: the baseline of the real-GPU check (jobs/gpu/check.sh).

  python3 src/test/python/gpu_raw_torch.py --device gpu --model mlp \
      --model-path src/test/resources/fixtures/tutorial_mlp.pt --width 10 --rows 1048576 \
      --batch-sizes 4096,65536 --results target/gpu-check/python-raw.jsonl

The same work as GpuCheckCommand's loops, host memory to host memory: random float32 rows in
host memory, per batch a copy to the device, one forward under inference_mode, the output copied
back (which also waits for the GPU). On a GPU it runs twice: from pinned host memory with
non_blocking copies (the tutorial's pin_memory=True), and from ordinary (pageable) memory. One
untimed pass first, then whole passes until --seconds have passed. Appends one JSON line per run
to --results and prints it.
"""
import argparse
import json
import time

import torch


def timed(model, source, device, batch, seconds, dtype, row_shape):
    """Scores whole batches of source until `seconds` passed (after one untimed pass); returns rows and seconds.
    Float inputs are cast to the model's dtype on the device (and viewed in row_shape when given),
    outputs come back as float32."""
    batches = source.shape[0] // batch

    def one_pass():
        for b in range(batches):
            x = source[b * batch : (b + 1) * batch].to(device, non_blocking=True).to(dtype)
            if row_shape:
                x = x.view(-1, *row_shape)
            model(x).float().to("cpu")
        return batches * batch

    with torch.inference_mode():
        one_pass()
        start = time.perf_counter()
        rows = 0
        while True:
            rows += one_pass()
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                return rows, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=["cpu", "gpu"], required=True)
    parser.add_argument("--model", required=True, help="the runs' model name, e.g. mlp")
    parser.add_argument("--model-path", required=True)
    parser.add_argument("--width", type=int, required=True, help="floats per row")
    parser.add_argument("--row-shape", default="", help="the model's shape of a row, e.g. 3,224,224 (default: flat)")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--batch-sizes", required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads on the CPU")
    parser.add_argument("--results", required=True)
    parser.add_argument("--precisions", default="fp32", help="fp32 and/or fp16 (model.half()), comma-separated")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device("cuda:0" if args.device == "gpu" else "cpu")
    loaded = torch.jit.load(args.model_path, map_location=device).eval()
    torch.manual_seed(0)
    host = torch.randn(args.rows, args.width)
    sources = [("python_pinned", host.pin_memory()), ("python_pageable", host)] if device.type == "cuda" else [("python", host)]
    with open(args.results, "a", encoding="utf-8") as results:
        for precision in args.precisions.split(","):
          if precision == "fp16" and device.type != "cuda":
            print("fp16 skipped on the CPU: PyTorch " + torch.__version__ + " may lack half kernels there", flush=True)
            continue
          model, dtype = (loaded.half(), torch.float16) if precision == "fp16" else (loaded.float(), torch.float32)
          for batch in [int(b) for b in args.batch_sizes.split(",")]:
            for mode, source in sources:
                row_shape = [int(d) for d in args.row_shape.split(",")] if args.row_shape else None
                rows, seconds = timed(model, source, device, min(batch, args.rows), args.seconds, dtype, row_shape)
                run = {
                    "model": args.model,
                    "precision": precision,
                    "mode": mode,
                    "batch_size": batch,
                    "rows": rows,
                    "seconds": round(seconds, 3),
                    "rows_per_s": round(rows / seconds, 1),
                    "torch": torch.__version__,
                    "device": str(device),
                }
                results.write(json.dumps(run) + "\n")
                print(json.dumps(run), flush=True)


if __name__ == "__main__":
    main()
