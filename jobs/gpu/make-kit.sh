#!/usr/bin/env bash
# Makes target/gpu-kit/: what jobs/gpu/check.sh needs on a GPU machine that has PyTorch, a C++
# compiler, cmake and nvcc but no Java, no Maven and no network (the device tool's machine; at
# most 64 MiB travels with a call, so the kit is kept under 60 MiB):
#   jre/  a jlink'd Java runtime of the modules the check loads (its include/ keeps jni.h and
#         jni_md.h, which the JNI build needs)
#   lib/  the check's classpath: torchscore's classes and the check's own (GpuCheckCommand and
#         its helpers), DJL's api and pytorch-engine (no native jars), JNA, gson, slf4j, picocli,
#         and spark-slim.jar: only the Spark and Scala classes a traced CPU run of the check
#         loaded, cut out of Spark's jars (Spark's own jars are far over the limit)
#   djl/  DJL v0.36.0's PyTorch JNI sources (engines/pytorch/pytorch-native, api/src/main/native)
#         with the JNI header javac makes here; from a DJL git directory (DJL_GIT, default the
#         workplace's mirror) or checkout (DJL_SRC). DJL's sources and binaries are never committed.
# Then rehearses the check on this CPU with the kit's runtime and classpath (check.sh --cpu).
# Needs a JDK 17 (jlink, javac), Maven and python3.
#
# Usage: jobs/gpu/make-kit.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
kit=target/gpu-kit
build=target/gpu-kit-build
djl_tag=v0.36.0
rm -rf "$kit" "$build"
mkdir -p "$kit/lib" "$build"

echo "gpu-kit: compiling (mvn test-compile)..." >&2
mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile="$build/classpath.txt" >&2
classpath=$(cat "$build/classpath.txt")
# The jar of an artifact on the classpath, by its path in the repository (group/artifactId).
jar_of() {
  tr ':' '\n' <<<"$classpath" | grep -E "/$1/[^/]+/${1##*/}-[^/]+\.jar$" | head -n 1
}
slf4j_version=$(basename "$(jar_of org/slf4j/slf4j-api)" .jar | sed 's/^slf4j-api-//')
mvn -B -ntp -q dependency:copy -Dartifact="org.slf4j:slf4j-simple:$slf4j_version" \
  -DoutputDirectory="$build" >&2
whole=("$(jar_of ai/djl/api)" "$(jar_of ai/djl/pytorch/pytorch-engine)" "$(jar_of net/java/dev/jna/jna)" "$(jar_of com/google/code/gson/gson)" "$(jar_of org/slf4j/slf4j-api)"
  "$(jar_of info/picocli/picocli)" "$build/slf4j-simple-$slf4j_version.jar")

# One traced run of the check on the build's classpath: which classes and JDK modules it loads.
# slf4j-simple stands in for the test classpath's log4j binding, as in the kit. Log4j itself
# stays: Spark's SQLConf, which its column vectors read when made (the columnar path), needs it.
trace_cp="target/classes:target/test-classes:$build/slf4j-simple-$slf4j_version.jar:$(tr ':' '\n' <<<"$classpath" | grep -v -e log4j-slf4j -e slf4j-simple | paste -sd:)"
echo "gpu-kit: tracing a CPU run of the check..." >&2
OPT_OUT_TRACKING=true java -Xlog:class+load=info:file="$build/class-load.txt" -cp "$trace_cp" \
  io.torchscore.bench.GpuCheckCommand --device cpu --mlp-rows 8192 --mlp-batch-sizes 4096 --seconds 0 \
  >"$build/trace-run.json" 2>"$build/trace-run.log" \
  || { cat "$build/trace-run.log" >&2; echo "gpu-kit: the traced run failed" >&2; exit 1; }

# Spark, Scala and what they pulled in: every traced jar that is not carried whole.
mapfile -t traced < <(sed -n 's/.* source: \(jar:\)\{0,1\}file:\([^ ]*\.jar\).*/\2/p' "$build/class-load.txt" | sort -u)
slim=()
for jar in "${traced[@]}"; do
  case " ${whole[*]} " in *" $jar "*) continue ;; esac
  case "$jar" in */pytorch-native-*|*/pytorch-jni-*) continue ;; esac
  slim+=(--jar "$jar")
done
python3 jobs/gpu/slim_jar.py --trace "$build/class-load.txt" "${slim[@]}" --out "$kit/lib/spark-slim.jar" >&2
cp "${whole[@]}" "$kit/lib/"
check_classes=()
for class in $(cd target/test-classes && ls io/torchscore/bench/{GpuCheckCommand,BelowSparkScorer,ThroughputLoop,GoldenFixture}*.class io/torchscore/spark/BelowSpark.class); do
  check_classes+=(-C target/test-classes "$class")
done
jar --create --file "$kit/lib/torchscore-gpu-check.jar" -C target/classes . "${check_classes[@]}"

# Not jdk.localedata (10 MiB): the JDK's locale lookup touches it, but java.base's own English
# data serves the check.
modules=$(sed -n 's/.* source: jrt:\/\([^ ]*\).*/\1/p' "$build/class-load.txt" | sort -u | grep -v '^jdk.localedata$' | paste -sd,)
echo "gpu-kit: jlink $modules" >&2
jlink --add-modules "java.base,java.logging,java.management,java.naming,jdk.unsupported,$modules" \
  --compress=2 --strip-debug --no-man-pages --output "$kit/jre"

if [ -n "${DJL_SRC:-}" ]; then
  mkdir -p "$kit/djl/engines/pytorch" "$kit/djl/api/src/main"
  cp -r "$DJL_SRC/engines/pytorch/pytorch-native" "$kit/djl/engines/pytorch/"
  cp -r "$DJL_SRC/api/src/main/native" "$kit/djl/api/src/main/"
  cp "$DJL_SRC/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" "$build/"
else
  djl_git=${DJL_GIT:-/work/.mirror/deepjavalibrary+djl/repo}
  if ! git -C "$djl_git" rev-parse -q --verify "$djl_tag^{commit}" >/dev/null; then
    echo "gpu-kit: no DJL $djl_tag sources: set DJL_SRC to a checkout of it (git clone -b $djl_tag" \
      "https://github.com/deepjavalibrary/djl) or DJL_GIT to its git directory" >&2
    exit 2
  fi
  mkdir -p "$kit/djl"
  git -C "$djl_git" archive "$djl_tag" engines/pytorch/pytorch-native api/src/main/native | tar -x -C "$kit/djl"
  git -C "$djl_git" show "$djl_tag:engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" \
    >"$build/PyTorchLibrary.java"
fi
# The JNI header, where DJL's CMakeLists.txt includes it from (build/include); the build machine has no javac.
javac -h "$kit/djl/engines/pytorch/pytorch-native/build/include" -d "$build/jni-classes" -implicit:none \
  -cp "$(jar_of ai/djl/api):$(jar_of ai/djl/pytorch/pytorch-engine)" "$build/PyTorchLibrary.java"
rm -rf "$kit/djl/engines/pytorch/pytorch-native/gradle" "$kit/djl/engines/pytorch/pytorch-native/gradlew"*

# What check.sh --cpu takes from this machine's Maven repository instead of the GPU's PyTorch.
{
  echo "cpu_libtorch_jar=$(jar_of ai/djl/pytorch/pytorch-native-cpu)"
  echo "cpu_jni_jar=$(jar_of ai/djl/pytorch/pytorch-jni)"
} >"$build/cpu-natives.env"
{
  echo "djl_version=$(basename "$(jar_of ai/djl/pytorch/pytorch-engine)" .jar | sed 's/^pytorch-engine-//')"
} >"$kit/versions.env"

size=$(du -sm "$kit" | cut -f1)
echo "gpu-kit: $kit is $size MiB (jre $(du -sm "$kit/jre" | cut -f1), lib $(du -sm "$kit/lib" | cut -f1), djl $(du -sm "$kit/djl" | cut -f1))" >&2
if [ "$size" -gt 60 ]; then
  echo "gpu-kit: over 60 MiB: it would not travel to the GPU machine with the working tree" >&2
  exit 1
fi
echo "gpu-kit: rehearsing on this CPU (jobs/gpu/check.sh --cpu)..." >&2
GPU_CHECK_MLP_ROWS=65536 GPU_CHECK_SECONDS=1 jobs/gpu/check.sh --cpu
