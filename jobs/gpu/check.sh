#!/usr/bin/env bash
# The real-GPU check, below Spark (a GPU machine has no Java, Maven, network or room
# for Spark's jars): torchscore's scoring path (encoder, forward, decoder) on CUDA device 0, the
# golden fixtures compared with PyTorch's outputs, then rows/s of that path against a plain DJL
# loop and against raw PyTorch on the same card, for the tutorial MLP and ResNet-18.
#
# Here, first: jobs/gpu/make-kit.sh (makes target/gpu-kit and rehearses this script on the CPU).
# On the GPU machine, from the repository root, with the device tool:
#   run  command: jobs/gpu/check.sh   carry: ["target/gpu-kit"]   timeout_s: 600
# It builds DJL's JNI against the machine's torch (jobs/gpu/build-djl-jni.sh, a few minutes),
# exports ResNet-18 with its torchvision, and points DJL at that libtorch and JNI:
# PYTORCH_LIBRARY_PATH (torch's lib/), PYTORCH_VERSION, PYTORCH_FLAVOR (cu + CUDA version), and
# the JNI at $ENGINE_CACHE_DIR/pytorch/<version>-<flavor>-linux-x86_64/<djl version>-libdjl_torch.so,
# the place DJL's LibUtils looks for it before its own copies.
#
#   jobs/gpu/check.sh --cpu   the same steps on this CPU: DJL's CPU libtorch unpacked from the
#                             Maven repository stands in for torch's, its prebuilt JNI for the build,
#                             Debian's /usr/bin/python3 for the baseline; ResNet-18 only with
#                             GPU_CHECK_RESNET=1 (slow on a CPU).
# Sizes (the same for the Java and Python runs): GPU_CHECK_SECONDS (least timed seconds a run, 3),
# GPU_CHECK_MLP_ROWS (1048576), GPU_CHECK_MLP_BATCHES (4096,65536), GPU_CHECK_IMAGE_ROWS (512),
# GPU_CHECK_IMAGE_BATCHES (64), GPU_CHECK_RESNET_ROWS (1024), GPU_CHECK_RESNET_BATCHES (64,256);
# GPU_CHECK_TASKS (1,4): torchscore's runs as 1 task and as 4 tasks sharing the card. Other arguments go to GpuCheckCommand. The result is the JSON
# line printed last, also written to $OUT/gpu-check.json (the device tool's $OUT), else
# target/gpu-check/; the Python baseline's lines go to python-raw.jsonl beside it.
set -euo pipefail
cd "$(dirname "$0")/../.."
kit=target/gpu-kit
device=gpu
if [ "${1:-}" = "--cpu" ]; then
  device=cpu
  shift
fi
if [ ! -x "$kit/jre/bin/java" ]; then
  echo "check: no kit in $kit: run jobs/gpu/make-kit.sh first (and carry target/gpu-kit)" >&2
  exit 2
fi
scratch=$(mkdir -p target/gpu-scratch && cd target/gpu-scratch && pwd)
out=${OUT:-target/gpu-check}
mkdir -p "$out"
# shellcheck source=/dev/null
source "$kit/versions.env"
seconds=${GPU_CHECK_SECONDS:-3}
mlp_rows=${GPU_CHECK_MLP_ROWS:-1048576}
mlp_batches=${GPU_CHECK_MLP_BATCHES:-4096,65536}
image_rows=${GPU_CHECK_IMAGE_ROWS:-512}
image_batches=${GPU_CHECK_IMAGE_BATCHES:-64}
tasks=${GPU_CHECK_TASKS:-1,4}
resnet_rows=${GPU_CHECK_RESNET_ROWS:-1024}
resnet_batches=${GPU_CHECK_RESNET_BATCHES:-64,256}
precisions=${GPU_CHECK_PRECISIONS:-fp32,fp16}
resnet=""

if [ "$device" = cpu ]; then
  # shellcheck source=/dev/null
  source target/gpu-kit-build/cpu-natives.env
  version=$(basename "$cpu_libtorch_jar" | sed 's/^pytorch-native-cpu-\([0-9.]*\)-.*/\1/')
  flavor=cpu
  libtorch="$scratch/libtorch-cpu"
  if [ ! -f "$libtorch/libtorch.so" ]; then
    rm -rf "$libtorch"
    unzip -q -j -o "$cpu_libtorch_jar" 'pytorch/cpu/linux-x86_64/*' -d "$libtorch"
  fi
  jni_dir="$scratch/engine-cache/pytorch/$version-$flavor-linux-x86_64"
  mkdir -p "$jni_dir"
  unzip -p "$cpu_jni_jar" "jnilib/linux-x86_64/cpu/libdjl_torch.so" >"$jni_dir/$djl_version-libdjl_torch.so"
  python=/usr/bin/python3
  if [ "${GPU_CHECK_RESNET:-0}" = 1 ]; then
    resnet="$scratch/resnet18.pt"
  fi
else
  python=${PYTHON:-python3}
  read -r libtorch version cuda < <("$python" -c 'import os, torch
print(os.path.join(os.path.dirname(torch.__file__), "lib"), torch.__version__.split("+")[0], torch.version.cuda or "-")')
  if [ "$cuda" = "-" ]; then
    echo "check: $python's torch $version has no CUDA; on a CPU machine run jobs/gpu/check.sh --cpu" >&2
    exit 2
  fi
  flavor="cu${cuda//./}"
  if [ ! -f "$scratch/jni/libdjl_torch.so" ]; then
    JAVA_HOME=$(cd "$kit/jre" && pwd) PYTHON="$python" jobs/gpu/build-djl-jni.sh "$kit/djl" "$scratch/jni" \
      >"$out/jni-build.log" 2>&1 || { tail -n 40 "$out/jni-build.log" >&2; exit 1; }
  fi
  jni_dir="$scratch/engine-cache/pytorch/$version-$flavor-linux-x86_64"
  mkdir -p "$jni_dir"
  cp "$scratch/jni/libdjl_torch.so" "$jni_dir/$djl_version-libdjl_torch.so"
  resnet="$scratch/resnet18.pt"
  # DJL's own GPU count (CudaUtils) finds libcudart through JNA; torch's pip wheels keep it aside.
  cudart=$(find "$(dirname "$libtorch")/../nvidia" -name 'libcudart.so*' 2>/dev/null | head -n 1 || true)
  if [ -n "$cudart" ]; then
    export TORCHSCORE_JAVA_OPTS="${TORCHSCORE_JAVA_OPTS:-} -Djna.library.path=$(dirname "$cudart")"
  fi
fi

if [ -n "$resnet" ] && [ ! -f "$resnet" ]; then
  if ! "$python" -c 'import torchvision' 2>/dev/null; then
    echo "check: no torchvision for $python: ResNet-18 skipped" >&2
    resnet=""
  elif ! "$python" src/test/python/export_resnet18.py --out "$resnet" >&2; then
    echo "check: the ResNet-18 export failed: ResNet-18 skipped" >&2
    resnet=""
  fi
fi

export PYTORCH_LIBRARY_PATH="$libtorch" PYTORCH_VERSION="$version" PYTORCH_FLAVOR="$flavor"
export ENGINE_CACHE_DIR="$scratch/engine-cache" OPT_OUT_TRACKING=true
echo "check: $device, libtorch $version ($flavor) from $libtorch" >&2

# Raw PyTorch on the same device and rows: the baseline torchscore's path is held against. Its
# failure is reported, not fatal: the Java check below still runs.
if "$python" -c 'import torch' 2>/dev/null; then
  : >"$out/python-raw.jsonl"
  "$python" src/test/python/gpu_raw_torch.py --device "$device" --model mlp \
    --model-path src/test/resources/fixtures/tutorial_mlp.pt --width 10 --rows "$mlp_rows" \
    --batch-sizes "$mlp_batches" --seconds "$seconds" --precisions "$precisions" --results "$out/python-raw.jsonl" >&2 \
    || echo "check: raw PyTorch's MLP runs failed" >&2
  "$python" src/test/python/gpu_raw_torch.py --device "$device" --model image_pool \
    --model-path src/test/resources/fixtures/image_classifier.pt --width 150528 --row-shape 3,224,224 \
    --rows "$image_rows" --batch-sizes "$image_batches" --seconds "$seconds" --precisions "$precisions" \
    --results "$out/python-raw.jsonl" >&2 \
    || echo "check: raw PyTorch's image_pool runs failed" >&2
  if [ -n "$resnet" ]; then
    "$python" src/test/python/gpu_raw_torch.py --device "$device" --model resnet18 \
      --model-path "$resnet" --width 150528 --rows "$resnet_rows" --batch-sizes "$resnet_batches" \
      --seconds "$seconds" --precisions "$precisions" --results "$out/python-raw.jsonl" >&2 \
      || echo "check: raw PyTorch's ResNet-18 runs failed" >&2
  fi
fi

# shellcheck disable=SC2086 # the options are a space-separated list
"$kit/jre/bin/java" ${TORCHSCORE_JAVA_OPTS:-} -cp "$kit/lib/*" io.torchscore.bench.GpuCheckCommand \
  --device "$device" --fixtures src/test/resources/fixtures ${resnet:+--resnet18 "$resnet"} \
  --seconds "$seconds" --mlp-rows "$mlp_rows" --mlp-batch-sizes "$mlp_batches" \
  --image-rows "$image_rows" --image-batch-sizes "$image_batches" --tasks "$tasks" \
  --resnet-rows "$resnet_rows" --resnet-batch-sizes "$resnet_batches" --precisions "$precisions" \
  --out "$out/gpu-check.json" "$@"
