#!/usr/bin/env bash
# Samples on a local Spark (no cluster, nothing downloaded at run time) and joins the shards:
#
#   scripts/spark-sample.sh --master 'local[2]' --partitions 4 --model models/mnist-unet-s \
#       --n 512 --seed 0 --chunk 64 --npy samples.npy --sampler ddim --steps 10 [--fid]
#
# Every flag but --npy and --shards goes to the Spark job (dev.scoreflow.spark.SparkSampleCommand;
# `--help` lists them): the shards part-00000.npy, ... and manifest.json are written to
# --shards DIR (default OUT.shards/, replaced), then `scoreflow npy-concat` joins them into OUT,
# which equals `scoreflow sample --npy OUT` with the same --n, --seed, --chunk and sampler flags.
#
# It runs the job class with java over target/scoreflow-spark.jar (mvn -Pspark package) and the
# Spark jars Maven resolved for the build (target/spark-classpath.txt, from
# mvn dependency:build-classpath). With SPARK_HOME set it uses $SPARK_HOME/bin/spark-submit
# instead (a Spark 3.5 installation, Scala 2.12).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/scoreflow-spark.jar"
cpfile="$root/target/spark-classpath.txt"

npy=""
shards=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --npy) npy="$2"; shift 2 ;;
    --npy=*) npy="${1#--npy=}"; shift ;;
    --shards) shards="$2"; shift 2 ;;
    --shards=*) shards="${1#--shards=}"; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; args+=("--help"); npy="-"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ -z "$npy" ]; then
  echo "spark-sample.sh: --npy OUT is required (the joined samples); see --help" >&2
  exit 2
fi
shards="${shards:-$npy.shards}"

if [ ! -f "$jar" ] || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "spark-sample.sh: building $jar (mvn -Pspark package) ..." >&2
  (cd "$root" && mvn -B -q -Pspark package -DskipTests) >&2
fi
if [ ! -f "$cpfile" ] || [ "$root/pom.xml" -nt "$cpfile" ]; then
  # Spark and what it depends on (provided scope), with the libraries of the compile scope.
  (cd "$root" && mvn -B -q dependency:build-classpath -Dmdep.includeScope=compile \
      -Dmdep.outputFile="$cpfile") >&2
fi

# The allocator settings of scripts/scoreflow (see README, "Speed"); executors of a local
# Spark are threads of this JVM, so they inherit them.
if [ -z "${SCOREFLOW_NO_MALLOC_TUNING:-}" ]; then
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2; do
    if [ -e "$lib" ]; then
      export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
      export MALLOC_CONF="${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}"
      break
    fi
  done
fi
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

job=(--out "$shards" --overwrite "${args[@]}")
[ "$npy" = "-" ] && job=("${args[@]}")
if [ -n "${SPARK_HOME:-}" ]; then
  "$SPARK_HOME/bin/spark-submit" --class dev.scoreflow.spark.SparkSampleCommand \
      --driver-java-options "-Dai.djl.offline=true -DOPT_OUT_TRACKING=true" "$jar" "${job[@]}"
else
  # What Spark on Java 17 needs opened: the list spark-submit passes (pom.xml, spark.jvm.flags).
  opens=(-XX:+IgnoreUnrecognizedVMOptions)
  for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
      java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs \
      sun.security.action sun.util.calendar; do
    opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
  done
  java ${SCOREFLOW_JAVA_OPTS:-} "${opens[@]}" -Djdk.reflect.useDirectMethodHandle=false \
    -Djava.awt.headless=true -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
    -cp "$jar:$(cat "$cpfile")" dev.scoreflow.spark.SparkSampleCommand "${job[@]}"
fi
[ "$npy" = "-" ] && exit 0

"$root/scripts/scoreflow" npy-concat --out "$npy" "$shards"/part-*.npy
