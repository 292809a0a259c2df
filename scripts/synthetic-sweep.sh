#!/usr/bin/env bash
# The synthetic benchmark sweep of BENCHMARKS.md ("MQAR (Zoology setting)", "Parity (state
# tracking)"): trains every run through the CLI, one at a time under `nice -n 19`, keeps each run's
# result as a small JSON file in OUT, and prints the Markdown tables.
#
#   scripts/synthetic-sweep.sh [--mqar-only | --parity-only | --table] [OUT]
#   scripts/synthetic-sweep.sh --best OUT...
#
# OUT defaults to docs/bench/2026-12-07-synthetic-v2. A run whose JSON already exists is skipped,
# so an interrupted sweep resumes where it stopped; --table only prints the tables of what OUT holds.
# --best prints one MQAR table over several OUT folders (e.g. one per learning rate): per cell the
# run with the highest last validation accuracy, its test accuracy and learning rate, as Zoology
# reports the best of its learning rates (chosen on validation, so the test set stays unseen).
# Training directories go to runs/synthetic-sweep/<basename of OUT> (not kept).
#
# Budgets are optimizer steps, so a result does not depend on the machine's load: every run trains
# its full number of steps. The wall-clock cap (CAP, minutes, default 60) only guards against a
# hung run: a run it stops is an error, kept as NAME.capped for inspection and not as a result.
# SEED (default 1) seeds every run; give another seed its own OUT, since the file names do not
# carry it.
#
# MQAR recipe (see BENCHMARKS.md): 100,000 training sequences (Zoology's count; fewer and the
# models memorise them), batch 32, AdamW with 50 warm-up steps then cosine decay to lr/10, clip
# 1.0, seed 1, tied embeddings, 2 blocks without MLP; attention as Zoology's: one head at every
# width, learned absolute positions (no RoPE). Steps and learning rates per setting and model below.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=all
out="$root/docs/bench/2026-12-07-synthetic-v2"
outs=()
for a in "$@"; do
  case "$a" in
    --mqar-only) mode=mqar ;;
    --parity-only) mode=parity ;;
    --table) mode=table ;;
    --best) mode=best ;;
    -*) echo "synthetic-sweep: unknown option '$a'" >&2; exit 2 ;;
    *) out="$a"; outs+=("$a") ;;
  esac
done
SETTINGS=${SETTINGS:-"64:4 128:8 256:16"}
WIDTHS=${WIDTHS:-"64 128 256"}
MODELS=${MODELS:-"attention s4d mamba gla deltanet gla+attention"}
if [ "$mode" = best ]; then
  [ ${#outs[@]} -gt 0 ] || { echo "synthetic-sweep: --best needs at least one folder" >&2; exit 2; }
  for d in "${outs[@]}"; do [ -d "$d" ] || { echo "synthetic-sweep: no folder '$d'" >&2; exit 2; }; done
  exec python3 - "$SETTINGS" "$WIDTHS" "$MODELS" "${outs[@]}" <<'PY'
import json, os, sys
settings, widths, models, dirs = sys.argv[1].split(), sys.argv[2].split(), sys.argv[3].split(), sys.argv[4:]
def lr(args):
    a = args.split()
    return a[a.index("--lr") + 1] if "--lr" in a else "3e-3"  # the CLI's default
print("MQAR test accuracy (%) by model width, the best of the folders' runs per cell on validation "
      "(its learning rate in brackets); vocabulary 8192; – not run\n")
print("| model |" + "".join(f" T={s.split(':')[0]}, d={w} |" for s in settings for w in widths))
print("|---|" + "---:|" * (len(settings) * len(widths)))
for m in models:
    cells = []
    for s in settings:
        t = s.split(":")[0]
        for w in widths:
            runs = []
            for d in dirs:
                p = os.path.join(d, f"mqar-{m.replace('+', '-')}-T{t}-d{w}.json")
                if os.path.exists(p):
                    runs.append(json.load(open(p)))
            if not runs:
                cells.append("–")
                continue
            best = max(runs, key=lambda r: (r.get("validation") or {}).get("accuracy") or 0.0)
            n = f" of {len(runs)}" if len(dirs) > 1 else ""
            cells.append(f"{100 * best['test']['accuracy']:.1f} ({lr(best['args'])}{n})")
    print(f"| {m} | " + " | ".join(cells) + " |")
PY
fi
mkdir -p "$out"
# models and logs per output folder, so that sweeps into different folders (seeds, rates) can run side by side
work="$root/runs/synthetic-sweep/$(basename "$(cd "$out" && pwd)")"
NICE=${NICE:-nice -n 19}
CAP=${CAP:-60}
# ParallelGC's adaptive sizing resizes the young generation as it goes, and the pages it hands back
# and takes again cost page faults: 300-400 MQAR steps at T=64 took 1.6-5.3 s of system time with
# it (up to a fifth of the process's CPU time, varying with the machine's memory traffic) and
# 0.6-0.7 s with a fixed 512 MB young generation
export RECUR_JAVA_OPTS=${RECUR_JAVA_OPTS:--XX:-UseAdaptiveSizePolicy -Xmn512m}

# MQAR: Zoology's Figure 2 data (vocabulary 8192, zero fill between the queries), one setting per
# run; SETTINGS, WIDTHS and MODELS (above) choose the cells
MQAR_BATCH=${MQAR_BATCH:-32}
MQAR_TRAIN=${MQAR_TRAIN:-100000}
# steps, the same at every length (MQAR_STEPS overrides, e.g. for a smoke test): attention at T=64, width 64
# learns the recall between steps 3000 and 3500 of this recipe (BENCHMARKS.md)
mqar_steps() { [ -n "${MQAR_STEPS:-}" ] && { echo "$MQAR_STEPS"; return; }; echo 5000; }
# peak learning rate per model (LR overrides all of them)
mqar_lr() { [ -n "${LR:-}" ] && { echo "$LR"; return; }; case "$1" in *) echo 3e-3 ;; esac; }
# per-model options: linear attention and the hybrid with 2 heads, attention with learned positions, everything tied
spec() { # NAME WIDTH SEQ_LEN
  case "$1" in
    attention) echo "attention:2x$2,heads=1,tie=true,rope=false,positions=$3" ;;
    gla|deltanet|deltaproduct|gla+attention) echo "$1:2x$2,heads=2,tie=true" ;;
    *) echo "$1:2x$2,tie=true" ;;
  esac
}

# the CLI jar is built once here, so that no run's time includes a build
[ "$mode" = table ] || $NICE "$root/recur" info >/dev/null 2>&1 || true

# runs one training; $1 = result file, $2 = the steps it must reach, the rest = train arguments;
# writes {"args", "steps", "wall_s", "cpu_s", "train_s", "steps_per_s", "load", "curve", "test", ...}
train() {
  local file="$1" want="$2"; shift 2
  [ -s "$file" ] && return 0
  local name dir start end line load0 times
  name="$(basename "$file" .json)"
  dir="$work/$name"
  rm -rf "$dir"
  load0=$(cut -d' ' -f1 /proc/loadavg)
  times="$(mktemp)"
  start=$(date +%s)
  line=$(/usr/bin/time -f "%U %S" -o "$times" $NICE "$root/recur" train "$@" --seed "${SEED:-1}" --out "$dir" --quiet \
    --time-limit "$CAP" | tail -n 1)
  end=$(date +%s)
  python3 - "$file" "$dir/metrics.jsonl" "$((end - start))" "$line" "$*" "$want" "$times" "$load0 $(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, os, sys
path, metrics, wall, line, args, want, times, load = sys.argv[1:]
rows = [json.loads(l) for l in open(metrics) if l.strip()]
r = json.loads(line)
user, sys_ = (float(x) for x in open(times).read().split()[-2:])
steps = rows[-1]["step"] if rows else 0
train_s = rows[-1].get("elapsed_s") if rows else None
out = {"args": args, "steps": steps, "wall_s": int(wall), "cpu_s": round(user + sys_, 1), "train_s": train_s,
       "steps_per_s": round(steps / train_s, 2) if train_s else None, "load": [float(x) for x in load.split()],
       "train_loss": rows[-1].get("train_loss") if rows else None,
       "validation": rows[-1].get("validation") if rows else None,
       "curve": [[x["step"], x["validation"].get("accuracy")] for x in rows], "test": r.get("metrics"),
       "best_step": r.get("best_step")}
# a run stopped by the safety cap is not a result: kept beside the results for inspection only
target = path if steps >= int(want) else path[:-len(".json")] + ".capped"
json.dump(out, open(target + ".tmp", "w"), indent=1)
os.replace(target + ".tmp", target)
PY
  rm -f "$times"
  if [ -s "$file" ]; then
    echo "$name: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["steps"], "steps", d["wall_s"], "s wall", d["cpu_s"], "s cpu", d["steps_per_s"], "steps/s", d["test"])' "$file")  load $(cut -d' ' -f1 /proc/loadavg)" >&2
  else
    echo "synthetic-sweep: ERROR: $name hit the ${CAP}-minute safety cap before $want steps; see ${file%.json}.capped" >&2
  fi
}

# Parity: per-step prefix-parity labels at length 256, then the test at 256 and at 1024. The
# defaults are the recipe of BENCHMARKS.md's parity table (one block of width 64, lr 1e-2, 2000
# steps); the second sweep's two-block runs were PARITY_BLOCKS=2 PARITY_LR=3e-3 PARITY_STEPS=300..3000
PARITY_MODELS=${PARITY_MODELS:-"deltaproduct-neg mamba gla deltanet"}
PARITY_STEPS=${PARITY_STEPS:-2000}
PARITY_LR=${PARITY_LR:-1e-2}
PARITY_BLOCKS=${PARITY_BLOCKS:-1}
pspec() {
  local b=$PARITY_BLOCKS
  case "$1" in
    deltaproduct-neg) echo "deltaproduct:${b}x64,heads=2,negative_eigen=true" ;;
    deltaproduct-neg-conv0) echo "deltaproduct:${b}x64,heads=2,negative_eigen=true,conv=0" ;;
    mamba) echo "mamba:${b}x64" ;;
    *) echo "$1:${b}x64,heads=2" ;;
  esac
}
if [ "$mode" = all ] || [ "$mode" = parity ]; then
  for m in $PARITY_MODELS; do
    f="$out/parity-$m-T256.json"
    train "$f" "$PARITY_STEPS" --task parity --seq-len 256 --model "$(pspec "$m")" --steps "$PARITY_STEPS" --batch 32 \
      --lr "$PARITY_LR" --warmup 30 --eval-every 100 --test-examples 500
    g="$out/parity-$m-T1024.json"
    if [ -s "$f" ] && [ ! -s "$g" ]; then
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
        train "$out/mqar-${m/+/-}-T$len-d$w.json" "$n" --task mqar --vocab 8192 --seq-len "$len" --kv-pairs "$pairs" --mqar-fill zero \
          --model "$(spec "$m" "$w" "$len")" --steps "$n" --batch "$MQAR_BATCH" --lr "$(mqar_lr "$m")" --warmup 50 \
          --eval-every $((n / 4)) --train-examples "$MQAR_TRAIN" --test-examples 500
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
print("MQAR test accuracy (%) by model width; vocabulary 8192; – not run\n")
print("| model |" + "".join(f" T={s.split(':')[0]}, d={w} |" for s in settings for w in widths))
print("|---|" + "---:|" * (len(settings) * len(widths)))
speed = []
for m in models:
    cells = []
    for s in settings:
        t = s.split(":")[0]
        for w in widths:
            r = load(f"mqar-{m.replace('+', '-')}-T{t}-d{w}.json")
            cells.append("–" if r is None else pct(r["test"].get("accuracy")))
            if r is not None:
                speed.append((m, t, w, r))
    print(f"| {m} | " + " | ".join(cells) + " |")
if speed:
    print("\nThe runs: steps, training time (validations included) and CPU time of the whole command, load average at start and end\n")
    print("| model | T | d | steps | steps/s | train s | CPU s | load |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for m, t, w, r in speed:
        ld = r.get("load") or []
        print(f"| {m} | {t} | {w} | {r['steps']} | {r.get('steps_per_s', '–')} | {r.get('train_s', '–')} | {r.get('cpu_s', '–')} | "
              + "-".join(f"{x:.1f}" for x in ld) + " |")
rows = [(m, load(f"parity-{m}-T256.json"), load(f"parity-{m}-T1024.json")) for m in pmodels]
if any(a is not None for _, a, _ in rows):
    print("\nParity, trained at length 256 with a label per step; accuracy (%) of the whole sequence's parity (last step) and of every step\n")
    print("| model | eigenvalues | blocks | lr | steps | tested step | acc @256 | step acc @256 | acc @1024 | step acc @1024 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for m, a, b in rows:
        if a is None:
            continue
        eig = "[-1, 1]" if "-neg" in m else "[0, 1]"
        bm = (b or {}).get("metrics", {})
        args = a["args"].split()
        spec = args[args.index("--model") + 1]
        blocks = spec.split(":")[1].split("x")[0]
        lr = args[args.index("--lr") + 1] if "--lr" in args else "3e-3"  # the first sweep left the CLI's default
        print(f"| {m.replace('-neg', '')} | {eig} | {blocks} | {lr} | {a['steps']} | {a.get('best_step') or '–'} | {pct(a['test'].get('accuracy'))} | {pct(a['test'].get('step_accuracy'))} | "
              f"{pct(bm.get('accuracy'))} | {pct(bm.get('step_accuracy'))} |")
PY
