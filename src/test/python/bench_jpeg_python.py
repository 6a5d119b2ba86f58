#!/usr/bin/env python3
"""The benchmark's `python` mode for resnet18_jpeg: the tutorial's DataLoader pipeline, timed.

Run with Debian's PyTorch (jobs/bench does):
  /usr/bin/python3 src/test/python/bench_jpeg_python.py --model target/bench/models/resnet18.pt \
      --images target/bench/data/jpeg --warmup-images target/bench/data/jpeg-warmup \
      --labels target/bench/models/resnet18_labels.txt --batch-size 32 --workers 2 --threads 2 \
      --out target/bench/out/python-jpeg.jsonl --results target/bench/runs.jsonl

The seed tutorial's pipeline on the JPEG files torchscore reads: a Dataset that opens each file
with PIL (`convert("RGB")`) and applies torchvision's Resize(256), CenterCrop(224), ToTensor(),
Normalize(ImageNet); a `DataLoader(batch_size, num_workers)` (worker processes decode while the
main process scores); the same TorchScript ResNet-18 torchscore scores (torch.jit.load, eval),
batched under no_grad on torch.set_num_threads(threads); torch.topk(5) of the logits, written with
the labels and the file's path as JSON lines, as the job writes its top-5 column beside the path.

The model is loaded before the clock starts (the JVM modes cache theirs); one unmeasured pass
over the warm-up folder comes first. The timed pass includes the DataLoader's start (its workers),
every decode, the forwards and the writing. Appends one JSON line to --results and prints one.
"""
import argparse
import json
import os
import time

import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms

PREPROCESS = transforms.Compose([
    transforms.Resize(256),
    transforms.CenterCrop(224),
    transforms.ToTensor(),
    transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
])


class JpegFolder(Dataset):
    """The folder's files, sorted: (preprocessed image, index)."""

    def __init__(self, folder):
        self.paths = sorted(os.path.join(folder, name) for name in os.listdir(folder))

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        with Image.open(self.paths[i]) as image:
            return PREPROCESS(image.convert("RGB")), i


def score_folder(model, folder, labels, batch_size, workers, out_path):
    """The timed work: DataLoader, no_grad forwards, top-5 labels written as JSON lines."""
    dataset = JpegFolder(folder)
    loader = DataLoader(dataset, batch_size=batch_size, num_workers=workers)
    rows = 0
    with open(out_path, "w") as out, torch.no_grad():
        for images, indexes in loader:
            top = torch.topk(model(images), 5)
            for index, classes, scores in zip(indexes.tolist(), top.indices.tolist(), top.values.tolist()):
                out.write(json.dumps({
                    "path": dataset.paths[index],
                    "top5": [{"index": c, "label": labels[c], "score": s} for c, s in zip(classes, scores)],
                }) + "\n")
            rows += len(indexes)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="the TorchScript ResNet-18")
    parser.add_argument("--images", required=True, help="the folder of JPEG files to score")
    parser.add_argument("--warmup-images", required=True, help="the folder of the unmeasured pass")
    parser.add_argument("--labels", required=True, help="text file, one class label per line")
    parser.add_argument("--batch-size", type=int, default=32, help="the DataLoader's batch_size (the tutorial's 32)")
    parser.add_argument("--workers", type=int, default=2, help="the DataLoader's num_workers")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads of the scoring process")
    parser.add_argument("--out", required=True, help="the JSON-lines file of top-5 labels")
    parser.add_argument("--results", required=True, help="JSON-lines file to append the run to")
    args = parser.parse_args()

    # Debian's torch starts with one intra-op thread: give it the same cores the JVM modes get.
    torch.set_num_threads(args.threads)
    with open(args.labels) as f:
        labels = f.read().splitlines()
    model = torch.jit.load(args.model)
    model.eval()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    score_folder(model, args.warmup_images, labels, args.batch_size, args.workers, args.out)
    start = time.perf_counter()
    rows = score_folder(model, args.images, labels, args.batch_size, args.workers, args.out)
    seconds = time.perf_counter() - start
    run = {
        "model": "resnet18_jpeg",
        "mode": "python",
        "batch_size": args.batch_size,
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds, 1),
        "threads": f"DataLoader num_workers={args.workers} (PIL decode + torchvision transforms)"
                   f" + 1 scoring process x {torch.get_num_threads()} intra-op threads",
        "engine": "pytorch",
        "precision": "fp32",
        # As the other python rows: no input column kept (the file's path names each row).
        "output_columns": "none",
        "note": f"PyTorch {torch.__version__} (Debian python3-torch); writes each file's path and top-5 labels"
                " as JSON lines",
    }
    with open(args.results, "a") as results:
        results.write(json.dumps(run) + "\n")
    print(f"bench: resnet18_jpeg python      batch {args.batch_size:6d}: {rows} rows in {seconds:.2f} s ="
          f" {rows / seconds:,.1f} rows/s", flush=True)


if __name__ == "__main__":
    main()
