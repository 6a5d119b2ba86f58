# Sourced by the jobs: runs a torchscore main class on an embedded local Spark, on the build's
# classpath (Spark included), with the JVM flags spark-submit would add on Java 17.
# TORCHSCORE_CLASSPATH, when set, is used as the dependency classpath instead of asking Maven.

TORCHSCORE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

torchscore_build() {
  local cp_file="$TORCHSCORE_ROOT/target/classpath.txt"
  if [ -n "${TORCHSCORE_CLASSPATH:-}" ]; then
    return 0
  fi
  if [ ! -s "$cp_file" ] || [ "$TORCHSCORE_ROOT/pom.xml" -nt "$cp_file" ] \
      || [ -n "$(find "$TORCHSCORE_ROOT/src/main" -newer "$cp_file" -print -quit)" ]; then
    if [ -s "$cp_file" ]; then
      echo "torchscore: the sources changed: compiling them (mvn compile, log: target/build.log)..." >&2
    else
      echo "torchscore: first run: compiling torchscore and resolving its classpath with Maven" \
        "(1-2 minutes; later runs start at once; log: target/build.log)..." >&2
    fi
    mkdir -p "$TORCHSCORE_ROOT/target"
    # Maven's own output (and the escape codes its -q mode still prints) go to the log.
    if ! (cd "$TORCHSCORE_ROOT" && mvn -q -B -DskipTests compile dependency:build-classpath \
        -Dmdep.outputFile=target/classpath.txt) >"$TORCHSCORE_ROOT/target/build.log" 2>&1; then
      sed 's/\x1b\[[0-9;]*m//g' "$TORCHSCORE_ROOT/target/build.log" >&2
      echo "torchscore: the build failed (log: $TORCHSCORE_ROOT/target/build.log)" >&2
      exit 1
    fi
  fi
  TORCHSCORE_CLASSPATH="$TORCHSCORE_ROOT/target/classes:$(cat "$cp_file")"
}

torchscore_java() {
  local main_class=$1
  shift
  torchscore_build
  local opens
  opens=$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' "$TORCHSCORE_ROOT/pom.xml")
  # shellcheck disable=SC2086 # the flags are a space-separated list
  java $opens ${TORCHSCORE_JAVA_OPTS:--Xmx4g} \
    -Dlog4j2.configurationFile="$TORCHSCORE_ROOT/conf/log4j2.properties" \
    -Dtorchscore.log.file="${TORCHSCORE_LOG_FILE:-$TORCHSCORE_ROOT/target/logs/score.log}" \
    -cp "$TORCHSCORE_CLASSPATH" "$main_class" "$@"
}

# Tells the job the terminal's width when stderr is a terminal, so that it draws a progress bar
# there; otherwise it logs a progress line every 30 s.
torchscore_terminal() {
  local columns
  if [ -t 2 ] && columns=$(stty size </dev/tty 2>/dev/null | cut -d' ' -f2) && [ -n "$columns" ]; then
    export TORCHSCORE_TERMINAL_COLUMNS=$columns
  else
    export TORCHSCORE_TERMINAL_COLUMNS=0
  fi
}
