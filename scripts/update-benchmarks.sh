#!/usr/bin/env bash
# Regenerates the generated section of BENCHMARKS.md (date, machine and command at its top, then
# the peer comparison tables) from a full `./recur bench` run's results.json, or checks it.
#
#   scripts/update-benchmarks.sh [DIR] [--check] [--allow-quick]
#
# DIR defaults to the newest bench-out/bench-*; --check exits 1 when BENCHMARKS.md differs from it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/find-jdk.sh"
dir=""
flags=()
for a in "$@"; do
  case "$a" in
    --check|--allow-quick) flags+=("$a") ;;
    -*) echo "update-benchmarks: unknown option '$a'" >&2; exit 2 ;;
    *) dir="$a" ;;
  esac
done
if [ -z "$dir" ]; then
  dir="$(ls -d "$root"/bench-out/bench-* 2>/dev/null | sort | tail -n 1 || true)"
  [ -n "$dir" ] || { echo "update-benchmarks: no bench-out/bench-* run found; run ./recur bench first" >&2; exit 2; }
fi
[ -f "$dir/results.json" ] || { echo "update-benchmarks: $dir/results.json not found" >&2; exit 2; }
jar="$root/recur-bench/target/recur-bench.jar"
if [ ! -f "$jar" ]; then
  (cd "$root" && ./mvnw -B -q -ntp -DskipTests -pl recur-bench -am package) >&2
fi
exec "$JAVA_HOME/bin/java" -cp "$jar" dev.recur.bench.harness.BenchmarksMd "$dir/results.json" "$root/BENCHMARKS.md" "${flags[@]}"
