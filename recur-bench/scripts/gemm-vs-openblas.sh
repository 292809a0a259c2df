#!/usr/bin/env bash
# Recur's vector SGEMM (JMH, dev.recur.bench.gemm.GemmBench) beside NumPy/OpenBLAS on the same
# shapes and thread counts, in one run: per round and shape, one side then the other (the order
# flips every round), so that a neighbour's load drifts over both alike. Prints a Markdown table
# of medians over rounds; the raw JSON lines are kept in the output directory.
#
# Two-thread wall-clock figures mean something only on a quiet machine: the load average is
# recorded before, per round and shape, and after (context.txt), so that a table can be labelled.
#
# --clock cpu measures one thread per CPU-second of the calling thread instead (GemmCpuTimeRunner
# against numpy_sgemm.py --clock cpu): on a machine shared with other work, wall time includes the
# time the OS gave to others and thread CPU time does not.
#
# --interleaved runs both in one JVM instead (dev.recur.bench.gemm.GemmInterleavedRunner: OpenBLAS's
# cblas_sgemm, or sgemv for one row as NumPy calls it, through the foreign-function API), a slot of
# each per round and the ratio taken per round, so that both sides meet the same phase of a host
# whose speed drifts over seconds (here the ratio still moved 0.1-0.2 between runs: BENCHMARKS.md);
# --rounds defaults to 31 there.
#
#   recur-bench/scripts/gemm-vs-openblas.sh [--rounds 3] [--shapes 1024x1024x1024,...] [--threads 1,2]
#                                           [--time-ms 1000] [--clock wall|cpu] [--interleaved]
#                                           [--out DIR] [--no-build]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/scripts/find-jdk.sh"

rounds=
interleaved=0
shapes="256x256x256,512x512x512,1024x1024x1024,2048x2048x2048,32x256x1024,1x256x1024"
threads="1,2"
time_ms=1000
out=""
build=1
clock=wall
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --shapes) shapes="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --time-ms) time_ms="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --clock) clock="$2"; shift 2 ;;
    --interleaved) interleaved=1; shift ;;
    *) echo "gemm-vs-openblas: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
rounds="${rounds:-$([ "$interleaved" = 1 ] && echo 31 || echo 3)}"
out="${out:-$root/bench-out/gemm-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"

jar="$root/recur-bench/target/recur-bench.jar"
if [ "$build" = 1 ]; then
  echo "building recur-bench..." >&2
  (cd "$root" && ./mvnw -B -q -ntp -DskipTests -pl recur-bench -am package) >&2
fi

case "$clock" in
  wall) ;;
  cpu) threads=1 ;;
  *) echo "gemm-vs-openblas: --clock must be wall or cpu, found '$clock'" >&2; exit 2 ;;
esac
java_run() {
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp "$jar" "$@" \
    2> >(grep -v '^WARNING' >&2) >> "$out/recur.jsonl"
}
recur() {
  if [ "$clock" = cpu ]; then
    java_run dev.recur.bench.gemm.GemmCpuTimeRunner --shapes "$1" --sample-ms "$((time_ms / 5))"
  else
    java_run dev.recur.bench.gemm.GemmBenchRunner --shapes "$1" --threads "$threads" --packed false,true \
      --warmup 5 --iterations 5 --time-ms "$time_ms"
  fi
}
openblas() {
  /usr/bin/python3 "$root/recur-bench/peers/numpy_sgemm.py" --shapes "$1" --threads "$threads" --clock "$clock" \
    --repeats 15 --min-time "$(awk "BEGIN { print $time_ms / 10000 }")" >> "$out/openblas.jsonl"
}

{
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cpus"
  echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "clock: $clock"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/context.txt" >&2
if [ "$interleaved" = 1 ]; then
  echo "interleaved in one JVM: $shapes, threads $threads, $rounds rounds (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -cp "$jar" \
    dev.recur.bench.gemm.GemmInterleavedRunner --shapes "$shapes" --threads "$threads" --rounds "$rounds" \
    2> >(grep -v '^WARNING' >&2) > "$out/interleaved.jsonl"
  /usr/bin/python3 - "$out/interleaved.jsonl" <<'PY' | tee "$out/table.md"
import json, sys
print("| shape (MxKxN) | threads | Recur | OpenBLAS | Recur / OpenBLAS per round: median [p25-p75] | rounds Recur won |")
print("|---|---:|---:|---:|---|---:|")
for line in open(sys.argv[1]):
    d = json.loads(line)
    print(f"| {d['shape']} | {d['threads']} | {d['recur_gflops']:.1f} | {d['openblas_gflops']:.1f} | "
          f"{d['ratio_median']:.2f} [{d['ratio_p25']:.2f}-{d['ratio_p75']:.2f}] | {d['rounds_won']} of {d['rounds']} |")
PY
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/context.txt" >&2
  echo "raw results: $out" >&2
  exit 0
fi
for ((r = 1; r <= rounds; r++)); do
  IFS=',' read -ra list <<< "$shapes"
  for s in "${list[@]}"; do
    echo "round $r/$rounds: $s (load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out/context.txt" >&2
    if (( r % 2 == 1 )); then recur "$s"; openblas "$s"; else openblas "$s"; recur "$s"; fi
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/context.txt" >&2
/usr/bin/python3 "$root/recur-bench/scripts/gemm_table.py" "$out/recur.jsonl" "$out/openblas.jsonl" | tee "$out/table.md"
echo "raw results: $out" >&2
