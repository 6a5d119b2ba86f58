#!/usr/bin/env bash
# Builds DJL's PyTorch JNI library (libdjl_torch.so) from DJL's published sources against the
# PyTorch that python3 imports, for a machine whose libtorch DJL ships no JNI for (DJL 0.36's
# prebuilt cu128 JNI crashes on torch 2.11). Does what DJL's own pytorch-native/build.sh does,
# without its download of libtorch and without javac: cmake against torch's share/cmake, the
# JNI header made beforehand (jobs/gpu/make-kit.sh puts it in build/include), and for CUDA the
# relink without libcudart/libnvrtc, so the JNI uses the runtime torch itself loads.
#
# Usage: jobs/gpu/build-djl-jni.sh DJL_SOURCES SCRATCH
#   DJL_SOURCES  a folder with DJL's engines/pytorch/pytorch-native and api/src/main/native
#                (target/gpu-kit/djl)
#   SCRATCH      the build folder; the library ends up as SCRATCH/libdjl_torch.so
# JAVA_HOME must hold include/jni.h and lib/server/libjvm.so (a JDK, or the kit's jre/) for
# cmake's FindJNI; PYTHON (default python3) names the interpreter with torch.
set -euo pipefail
sources=$(cd "$1" && pwd)
mkdir -p "$2"
scratch=$(cd "$2" && pwd)
python=${PYTHON:-python3}
native="$sources/engines/pytorch/pytorch-native"
if [ ! -f "$native/CMakeLists.txt" ] || ! ls "$native"/build/include/*.h >/dev/null 2>&1; then
  echo "build-djl-jni: no DJL sources with the JNI header in $sources; make them with jobs/gpu/make-kit.sh" >&2
  exit 2
fi
: "${JAVA_HOME:?build-djl-jni: set JAVA_HOME to a JDK or the kit's jre/ (cmake's FindJNI needs its include/jni.h)}"

read -r prefix version cuda < <("$python" -c 'import torch
print(torch.utils.cmake_prefix_path, torch.__version__.split("+")[0], torch.version.cuda or "-")')
defines=()
# As DJL's build.sh: the 1.13 API for torch 1.13 to 2.1.
if [[ "$version" == 1.13.* || "$version" == 2.0.* || "$version" == 2.1.* ]]; then
  defines+=(-DPT_VERSION=V1_13_X)
fi
if [ "$cuda" != "-" ]; then
  defines+=(-DUSE_CUDA=1)
fi
echo "build-djl-jni: torch $version (CUDA $cuda) from $prefix" >&2

cmake -S "$native" -B "$scratch/cmake" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  "${defines[@]}" >&2
cmake --build "$scratch/cmake" --config Release -- -j "$(nproc)" >&2
if [ "$cuda" != "-" ]; then
  # As DJL's build.sh: link without the CUDA toolkit's runtime and NVRTC, which torch brings.
  (cd "$scratch/cmake" \
    && sed -i -r 's#[^ ]*/lib(cudart|nvrtc)\.so[^ ]*##g' CMakeFiles/djl_torch.dir/link.txt \
    && rm -f libdjl_torch.so \
    && bash CMakeFiles/djl_torch.dir/link.txt >&2)
fi
cp "$scratch/cmake/libdjl_torch.so" "$scratch/libdjl_torch.so"
echo "$scratch/libdjl_torch.so"
