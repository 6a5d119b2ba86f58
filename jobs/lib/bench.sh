# Sourced by jobs/bench and jobs/soak (after lib/embedded.sh): builds the main and test classes,
# runs the benchmark's Java commands (io.torchscore.bench.BenchCommand) each in its own JVM, and
# keeps each step's log under target/bench/logs/.

BENCH_DIR="$TORCHSCORE_ROOT/target/bench"
BENCH_LOGS="$BENCH_DIR/logs"
BENCH_PY=${BENCH_PYTHON:-/usr/bin/python3}
BENCH_START=$(date +%s)

bench_elapsed() {
  echo $(( $(date +%s) - BENCH_START ))
}

bench_say() {
  printf 'bench: [%4ss] %s\n' "$(bench_elapsed)" "$*"
}

# Compiles src/main and src/test (no tests run) and points the jobs' launcher at the classes and
# the full test classpath (Spark, DJL, picocli, Jackson).
bench_build() {
  mkdir -p "$BENCH_LOGS"
  bench_say "building (mvn test-compile, dependency:build-classpath)"
  if ! (cd "$TORCHSCORE_ROOT" && mvn -q -B ${BENCH_MVN_ARGS:-} -DskipTests test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/bench/classpath.txt) >"$BENCH_LOGS/build.log" 2>&1; then
    cat "$BENCH_LOGS/build.log" >&2
    echo "bench: the build failed" >&2
    exit 1
  fi
  TORCHSCORE_CLASSPATH="$TORCHSCORE_ROOT/target/classes:$TORCHSCORE_ROOT/target/test-classes:$(cat "$BENCH_DIR/classpath.txt")"
  export TORCHSCORE_CLASSPATH
}

# Runs one benchmark command in a fresh JVM: bench_java LOGNAME JVM_OPTS SUBCOMMAND ARGS...
# Its stdout goes to the terminal and the log; its stderr (Spark, DJL) only to the log.
bench_java() {
  local log=$1 opts=$2
  shift 2
  if ! TORCHSCORE_JAVA_OPTS="$opts -Djava.awt.headless=true -Dai.djl.offline=true -DOPT_OUT_TRACKING=true" \
      OPT_OUT_TRACKING=true torchscore_java io.torchscore.bench.BenchCommand "$@" \
      2>"$BENCH_LOGS/$log.err" | tee "$BENCH_LOGS/$log.out"; then
    tail -n 40 "$BENCH_LOGS/$log.err" >&2
    echo "bench: step $log failed (log: $BENCH_LOGS/$log.err)" >&2
    return 1
  fi
}

# Makes Debian's PyTorch available to $BENCH_PY (apt-get as root); returns 1 when it cannot.
bench_python_torch() {
  if "$BENCH_PY" -c 'import torch, torchvision' >/dev/null 2>&1; then
    return 0
  fi
  bench_say "installing python3-torch python3-torchvision (apt-get, about 2 minutes)"
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-torchvision) \
      >"$BENCH_LOGS/apt.log" 2>&1 && "$BENCH_PY" -c 'import torch, torchvision' >/dev/null 2>&1; then
    return 0
  fi
  bench_say "Debian's python3-torch is not available (see $BENCH_LOGS/apt.log)"
  return 1
}
