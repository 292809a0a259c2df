#!/usr/bin/env bash
# The synthetic benchmark sweep of BENCHMARKS.md ("MQAR (Zoology setting)", "Parity (state
# tracking)"): trains every run through the CLI, one at a time under `nice -n 19`, keeps each run's
# result as a small JSON file in OUT, and prints the Markdown tables.
#
#   scripts/synthetic-sweep.sh [--mqar-only | --parity-only | --table] [OUT]
#
# OUT defaults to docs/bench/2026-12-07-synthetic. A run whose JSON already exists is skipped, so
# an interrupted sweep resumes; --table only prints the tables of what OUT holds. Training
# directories go to runs/synthetic-sweep (not kept).
#
# The budget is far below Zoology's (100k examples, 64 epochs, batch 256-512, a learning-rate sweep):
# see MQAR_STEPS / MQAR_BATCH below and BENCHMARKS.md. Every run: AdamW, lr 3e-3 with 30 warm-up
# steps then cosine decay, clip 1.0, seed 1, tied embeddings, 2 blocks without MLP.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=all
out="$root/docs/bench/2026-12-07-synthetic"
for a in "$@"; do
  case "$a" in
    --mqar-only) mode=mqar ;;
    --parity-only) mode=parity ;;
    --table) mode=table ;;
    -*) echo "synthetic-sweep: unknown option '$a'" >&2; exit 2 ;;
    *) out="$a" ;;
  esac
done
mkdir -p "$out"
work="$root/runs/synthetic-sweep"
NICE=${NICE:-nice -n 19}
LR=${LR:-3e-3}

# MQAR: Zoology's Figure 2 data (vocabulary 8192, zero fill between the queries), one setting per run
SETTINGS=${SETTINGS:-"64:4 128:8 256:16"}
WIDTHS=${WIDTHS:-"64 128"}
MODELS=${MODELS:-"attention s4d mamba gla deltanet gla+attention"}
# steps (MQAR_STEPS overrides, for a smoke test) and batch per sequence length, and a wall-clock cap per run (minutes) on a loaded machine
mqar_steps() { [ -n "${MQAR_STEPS:-}" ] && { echo "$MQAR_STEPS"; return; }; case "$1" in 64) echo 300 ;; 128) echo 250 ;; *) echo 150 ;; esac; }
mqar_batch() { case "$1" in 64|128) echo 32 ;; *) echo 16 ;; esac; }
mqar_cap() { case "$1" in 64) echo 1.5 ;; 128) echo 2 ;; *) echo 2.5 ;; esac; }
# per-model options: linear attention and the hybrid with 2 heads, everything tied
spec() { # NAME WIDTH
  case "$1" in
    gla|deltanet|deltaproduct|gla+attention) echo "$1:2x$2,heads=2,tie=true" ;;
    *) echo "$1:2x$2,tie=true" ;;
  esac
}

# runs one training; $1 = result file, the rest = train arguments; writes {"args", "steps", "wall_s", "test", ...}
train() {
  local file="$1"; shift
  [ -s "$file" ] && return 0
  local dir="$work/$(basename "$file" .json)" start end line
  start=$(date +%s)
  line=$($NICE "$root/recur" train "$@" --seed 1 --lr "$LR" --out "$dir" --quiet | tail -n 1)
  end=$(date +%s)
  python3 - "$file" "$dir/metrics.jsonl" "$((end - start))" "$line" "$*" <<'PY'
import json, sys
path, metrics, wall, line, args = sys.argv[1:]
rows = [json.loads(l) for l in open(metrics) if l.strip()]
r = json.loads(line)
out = {"args": args, "steps": rows[-1]["step"] if rows else 0, "wall_s": int(wall),
       "train_loss": rows[-1].get("train_loss") if rows else None,
       "validation": rows[-1].get("validation") if rows else None, "test": r.get("metrics")}
json.dump(out, open(path + ".tmp", "w"), indent=1)
import os; os.replace(path + ".tmp", path)
PY
  echo "$(basename "$file"): $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["steps"], "steps", d["wall_s"], "s", d["test"])' "$file")  load $(cut -d' ' -f1 /proc/loadavg)" >&2
}

# Parity: per-step prefix-parity labels at length 256, then the test at 256 and at 1024
PARITY_MODELS=${PARITY_MODELS:-"deltaproduct-neg mamba gla deltanet"}
PARITY_STEPS=${PARITY_STEPS:-300}  # PARITY_CAP: minutes per parity run (default 2.5)
pspec() {
  case "$1" in
    deltaproduct-neg) echo "deltaproduct:2x64,heads=2,negative_eigen=true" ;;
    mamba) echo "mamba:2x64" ;;
    *) echo "$1:2x64,heads=2" ;;
  esac
}
if [ "$mode" = all ] || [ "$mode" = parity ]; then
  for m in $PARITY_MODELS; do
    f="$out/parity-$m-T256.json"
    train "$f" --task parity --seq-len 256 --model "$(pspec "$m")" --steps "$PARITY_STEPS" --batch 32 \
      --eval-every 100 --test-examples 500 --time-limit "${PARITY_CAP:-2.5}"
    g="$out/parity-$m-T1024.json"
    if [ ! -s "$g" ]; then
      $NICE "$root/recur" eval --model "$work/parity-$m-T256/model.recur" --seq-len 1024 --quiet | tail -n 1 > "$g.tmp"
      mv "$g.tmp" "$g"
    fi
  done
fi

if [ "$mode" = all ] || [ "$mode" = mqar ]; then
  for s in $SETTINGS; do
    len=${s%%:*}; pairs=${s##*:}
    for w in $WIDTHS; do
      for m in $MODELS; do
        n=$(mqar_steps "$len")
        train "$out/mqar-${m/+/-}-T$len-d$w.json" --task mqar --vocab 8192 --seq-len "$len" --kv-pairs "$pairs" --mqar-fill zero \
          --model "$(spec "$m" "$w")" --steps "$n" --batch "$(mqar_batch "$len")" --eval-every "$n" --test-examples 500 \
          --time-limit "$(mqar_cap "$len")"
      done
    done
  done
fi

# the tables, from what OUT holds
python3 - "$out" "$SETTINGS" "$WIDTHS" "$MODELS" "$PARITY_MODELS" <<'PY'
import json, os, sys
out, settings, widths, models, pmodels = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split(), sys.argv[5].split()
def load(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else None
def pct(x):
    return "–" if x is None else f"{100 * x:.1f}"
print("MQAR test accuracy (%) by model width; vocabulary 8192; (steps done) when a run hit its time cap first\n")
head = "| model |" + "".join(f" T={s.split(':')[0]}, {s.split(':')[1]} pairs, d={w} |" for s in settings for w in widths)
print(head)
print("|---|" + "---:|" * (len(settings) * len(widths)))
for m in models:
    cells = []
    for s in settings:
        t = s.split(":")[0]
        for w in widths:
            r = load(f"mqar-{m.replace('+', '-')}-T{t}-d{w}.json")
            if r is None:
                cells.append("–")
                continue
            want = int(r["args"].split("--steps ")[1].split()[0])
            c = pct(r["test"].get("accuracy"))
            cells.append(c if r["steps"] >= want else f"{c} ({r['steps']})")
    print(f"| {m} | " + " | ".join(cells) + " |")
print("\nParity, trained at length 256 with a label per step; accuracy (%) of the whole sequence's parity (last step) and of every step\n")
print("| model | eigenvalues | steps | acc @256 | step acc @256 | acc @1024 | step acc @1024 |")
print("|---|---|---:|---:|---:|---:|---:|")
for m in pmodels:
    a, b = load(f"parity-{m}-T256.json"), load(f"parity-{m}-T1024.json")
    if a is None:
        continue
    eig = "[-1, 1]" if m.endswith("-neg") else "[0, 1]"
    bm = (b or {}).get("metrics", {})
    print(f"| {m.replace('-neg', '')} | {eig} | {a['steps']} | {pct(a['test'].get('accuracy'))} | {pct(a['test'].get('step_accuracy'))} | "
          f"{pct(bm.get('accuracy'))} | {pct(bm.get('step_accuracy'))} |")
PY
