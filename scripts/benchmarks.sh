#!/usr/bin/env bash
# Runs the relay's benchmarks one after another (each against its same-run baseline, 3 rounds, medians printed)
# and keeps each one's full output in target/benchmarks/<name>.log. Run it on a quiet machine.
#
#   scripts/benchmarks.sh                          # all of them (about 40 minutes on 2 cores)
#   scripts/benchmarks.sh PublishBenchmark         # some of them
#   SIZE=small scripts/benchmarks.sh               # a few minutes: small sizes, one round
set -euo pipefail
cd "$(dirname "$0")/.."

all=(PublishBenchmark RoutingBenchmark RealtimePathBenchmark MemoryBenchmark TracingOverheadBenchmark)
if [[ $# -gt 0 ]]; then selected=("$@"); else selected=("${all[@]}"); fi
small=$([[ "${SIZE:-}" == small ]] && echo yes || echo no)
mkdir -p target/benchmarks

size() { # the full size, or the small one
  if [[ $small == yes ]]; then echo "$2"; else echo "$1"; fi
}

for benchmark in "${selected[@]}"; do
  rounds=$(size 3 1)
  runs=1
  case "$benchmark" in
    PublishBenchmark)
      args=(verify -DskipITs -Dtest=PublishBenchmark "-Drelay.bench.results=$(size 200000 20000)") ;;
    RoutingBenchmark)
      args=(test -Dtest=RoutingBenchmark "-Drouting.benchmark.events=$(size 200000 20000)"
            -Drouting.benchmark.fire-share=0.2) ;;
    RealtimePathBenchmark)
      args=(verify -DskipITs -Dtest=RealtimePathBenchmark "-Drelay.bench.samples=$(size 1000 200)"
            "-Drelay.bench.warm-up=$(size 300 100)") ;;
    MemoryBenchmark)
      args=(verify -Dtest=none -Dit.test=MemoryBenchmark -Dfailsafe.failIfNoSpecifiedTests=false
            "-Drelay.bench.results=$(size 1000000 20000)") ;;
    TracingOverheadBenchmark)
      # an even number of rounds (the order of the arms alternates), on a heap fixed and touched at start, in
      # separate JVMs pooled into one file (a JVM's compiler tilts its whole run one way or the other)
      rounds=$(size 6 2)
      runs=$(size 3 1)
      rm -f target/benchmarks/tracing-overhead.pool
      args=(verify -DskipITs -Dtest=TracingOverheadBenchmark "-Drelay.bench.results=$(size 200000 20000)"
            "-DargLine=-Xms4g -Xmx4g -XX:+AlwaysPreTouch"
            "-Drelay.bench.pool=$PWD/target/benchmarks/tracing-overhead.pool") ;;
    *) echo "unknown benchmark: $benchmark (known: ${all[*]})" >&2; exit 2 ;;
  esac
  log="target/benchmarks/$benchmark.log"
  echo "== $benchmark -> $log"
  : > "$log"
  for ((run = 1; run <= runs; run++)); do
    if ! ./mvnw -B -ntp "${args[@]}" "-Drelay.bench.rounds=$rounds" -Drelay.test.docker=false \
        -Dsurefire.failIfNoSpecifiedTests=false >> "$log" 2>&1; then
      tail -n 40 "$log" >&2
      echo "$benchmark FAILED (full output: $log)" >&2
      exit 1
    fi
  done
  grep -a "^$benchmark" "$log" || true
done
