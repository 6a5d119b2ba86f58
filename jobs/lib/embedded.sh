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
    echo "torchscore: building (mvn compile)..." >&2
    (cd "$TORCHSCORE_ROOT" && mvn -q -B -DskipTests compile dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt >&2)
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
    -cp "$TORCHSCORE_CLASSPATH" "$main_class" "$@"
}
