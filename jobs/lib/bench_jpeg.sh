# Sourced by jobs/bench (after lib/bench.sh): the resnet18_jpeg model, images as users
# store them. Writes BENCH_JPEG_ROWS (2048) JPEG files of 300-640 px (src/test/python/make_jpegs.py,
# the same files every run, kept under target/bench/data/jpeg), then on those files:
#   decoders    the JPEG decoders side by side in one JVM (ImageIO, TwelveMonkeys, OpenCV):
#               images/s and accuracy against torchvision (target/bench/decoders.json, one note)
#   torchscore  the job over a binaryFile table, top-5 labels to Parquet (BenchCommand jpeg)
#   python      the seed tutorial's pipeline: DataLoader(num_workers=2), PIL + torchvision
#               transforms, batched no_grad ResNet-18 (src/test/python/bench_jpeg_python.py)
# both scoring the same TorchScript ResNet-18 at batch BENCH_JPEG_BATCH (the tutorial's 32).
# Uses jobs/bench's $runs, notes and jfr_opts.

bench_resnet18_jpeg() {
  local images="$BENCH_DIR/data/jpeg" warmup="$BENCH_DIR/data/jpeg-warmup"
  local truth="$BENCH_DIR/data/jpeg-torchvision.f32"
  local count=${BENCH_JPEG_ROWS:-2048} batch=${BENCH_JPEG_BATCH:-32}
  local model_path="$BENCH_DIR/models/resnet18.pt" labels="$BENCH_DIR/models/resnet18_labels.txt"
  bench_say "resnet18_jpeg: writing $count JPEG files, 300-640 px (kept between runs)"
  { "$BENCH_PY" src/test/python/make_jpegs.py --out "$images" --count "$count" --torchvision "$truth" \
      && "$BENCH_PY" src/test/python/make_jpegs.py --out "$warmup" --count 64; } >"$BENCH_LOGS/make_jpegs.log" 2>&1 \
    || { cat "$BENCH_LOGS/make_jpegs.log" >&2; exit 1; }
  if [ ! -s "$model_path" ]; then
    bench_say "exporting ResNet-18 (torchvision architecture, random weights)"
    "$BENCH_PY" src/test/python/export_resnet18.py --out "$model_path" >"$BENCH_LOGS/export_resnet18.log" 2>&1 \
      || { cat "$BENCH_LOGS/export_resnet18.log" >&2; exit 1; }
  fi
  seq 0 999 | sed 's/^/class_/' >"$labels"

  bench_say "resnet18_jpeg: decoders"
  bench_java "resnet18_jpeg-decoders" "-Xmx2g" decoders --images "$images" --count 128 --rounds 3 \
    --torchvision "$truth" --out "$BENCH_DIR/decoders.json" --summary "$BENCH_DIR/decoders.txt"
  notes+=("$(cat "$BENCH_DIR/decoders.txt")")

  bench_say "resnet18_jpeg: torchscore"
  # A 4 GiB heap, not pre-touched: rows are small (the JPEG bytes), and pre-touching 8 GiB takes minutes on a busy machine.
  bench_java "resnet18_jpeg-torchscore" "-Xmx4g $(jfr_opts resnet18_jpeg-torchscore)" jpeg --model-path "$model_path" \
    --labels "$labels" --images "$images" --warmup-images "$warmup" --batch-size "$batch" --runs "$runs"
  rm -rf "$BENCH_DIR/out"
  sync

  bench_say "resnet18_jpeg: python"
  "$BENCH_PY" src/test/python/bench_jpeg_python.py --model "$model_path" --images "$images" \
    --warmup-images "$warmup" --labels "$labels" --batch-size "$batch" --workers 2 --threads 2 \
    --out "$BENCH_DIR/out/python-jpeg.jsonl" --results "$runs" 2>"$BENCH_LOGS/resnet18_jpeg-python.err" \
    || { tail -n 20 "$BENCH_LOGS/resnet18_jpeg-python.err" >&2; exit 1; }
  rm -rf "$BENCH_DIR/out"
  notes+=("resnet18_jpeg: $count JPEG files of 300-640 px at batch $batch; torchscore = the job over a binaryFile table (local[2], 2 tasks x 1 libtorch thread, each task decoding its own images; $batch files per partition, so every batch is full, as the DataLoader's are), top-5 labels with every input column to Parquet; python = DataLoader(num_workers=2) with PIL and torchvision's transforms in worker processes, ResNet-18 on torch.set_num_threads(2), top-5 labels with the path to JSON lines; the same TorchScript file on both sides")
}
