#!/usr/bin/env bash
# Recipe comparison for the shipped class-conditional MNIST model: each recipe trains a
# class-conditional network on the MNIST digits for the same number of steps (default 1000, batch
# 128, seed 1) into DIR/NAME (kept; a recipe whose run exists is only scored), then scores it with
# `scoreflow eval`: FID-LeNet over its floor and class accuracy on N class-balanced samples, at
# most 20 network evaluations per sample (a guided step evaluates the conditional and the
# unconditional halves in one batched call, and counts 2).
#
#   scripts/recipe-table.sh [DIR] [RECIPE ...]   (default runs/recipes, every recipe below)
#   scripts/recipe-table.sh --list               (the recipes and their flags)
#
# Environment: STEPS (training steps, default 1000), N (samples, default 1000 = 100 per class),
# GUIDANCE (default 2), SEED (eval seed, default 11), PROCESS_ROWS=1 to also score every run at
# NFE 10, 20 and 50 with Heun and guidance 1 (one evaluation per step), for the processes table,
# on N_PROCESS samples (default 500).
# Needs datasets/mnist (scripts/get-datasets.sh). About 15 min of training per recipe per 1000
# steps on a 2-core CPU (unet-m about 4x that) and 1-2 min per score.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sf="$root/scripts/scoreflow"

# name|train flags|eval flags (at most 20 NFE with guidance)
recipes=(
  "vp-eps-lr5e-4|--process vp-linear --prediction eps --lr 5e-4|--sampler dpm++2m --steps 10"
  "rf-velocity-lr5e-4|--process rectified-flow --prediction velocity --lr 5e-4|--sampler ode --solver heun --steps 5"
  "pfgm128-edm-lr5e-4|--process pfgm --pfgm-d 128 --lr 5e-4|--sampler ode --solver heun --steps 5"
  "vp-edm-lr5e-4|--process vp-linear --prediction edm --lr 5e-4|--sampler dpm++2m --steps 10"
  "rf-velocity-lr5e-4-logitnormal|--process rectified-flow --prediction velocity --lr 5e-4 --time logit-normal|--sampler ode --solver heun --steps 5"
  "rf-velocity-lr5e-4-minsnr|--process rectified-flow --prediction velocity --lr 5e-4 --loss-weight min-snr|--sampler ode --solver heun --steps 5"
  "rf-velocity-lr2e-4|--process rectified-flow --prediction velocity --lr 2e-4|--sampler ode --solver heun --steps 5"
  "rf-velocity-lr1e-3|--process rectified-flow --prediction velocity --lr 1e-3|--sampler ode --solver heun --steps 5"
  "rf-velocity-lr5e-4-drop0.2|--process rectified-flow --prediction velocity --lr 5e-4 --label-dropout 0.2|--sampler ode --solver heun --steps 5"
  "rf-velocity-lr5e-4-ema0.9999|--process rectified-flow --prediction velocity --lr 5e-4 --ema-decay 0.9999|--sampler ode --solver heun --steps 5"
  "unet-m-rf-velocity-lr5e-4|--arch unet-m --attention-res 7 --process rectified-flow --prediction velocity --lr 5e-4|--sampler ode --solver heun --steps 5"
)

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${recipes[@]}" | awk -F'|' '{printf "%-32s train: %s\n%-32s eval:  %s\n", $1, $2, "", $3}'
  exit 0
fi
dir="${1:-$root/runs/recipes}"
shift || true
wanted=("$@")
steps="${STEPS:-1000}"
n="${N:-1000}"
guidance="${GUIDANCE:-2}"
seed="${SEED:-11}"
out="$dir/scores.jsonl"
mkdir -p "$dir"

score() { # name, label, n, eval flags...: one JSON line, labelled, appended to $out
  local name="$1" label="$2" count="$3"; shift 3
  echo "recipe-table: $name $label n=$count $*" >&2
  "$sf" eval --run "$dir/$name" --n "$count" --seed "$seed" --json "$@" 2>/dev/null | tail -1 \
    | sed "s/^{/{\"recipe\": \"$name\", \"label\": \"$label\", /" >> "$out"
}

for r in "${recipes[@]}"; do
  IFS='|' read -r name train_flags eval_flags <<< "$r"
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " =~ " $name " ]]; then
    continue
  fi
  if [ ! -d "$dir/$name/checkpoints" ]; then
    start=$(date +%s)
    # shellcheck disable=SC2086
    "$sf" train --data mnist --class-conditional --steps "$steps" --warmup 100 --lr-schedule cosine \
      --seed 1 --checkpoint-every 250 --sample-every 0 $train_flags --out "$dir/$name" >&2
    echo "{\"recipe\": \"$name\", \"label\": \"train\", \"seconds\": $(( $(date +%s) - start ))}" >> "$out"
  fi
  # shellcheck disable=SC2086
  score "$name" "guided" "$n" $eval_flags --guidance "$guidance"
  if [ "${PROCESS_ROWS:-0}" = 1 ]; then
    for st in 5 10 25; do
      score "$name" "heun-$st" "${N_PROCESS:-500}" --sampler ode --solver heun --steps "$st" \
        --guidance 1
    done
  fi
done

python3 - "$out" "$steps" "$n" "$guidance" <<'PY'
import json, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
by = collections.OrderedDict()
for r in rows:
    by.setdefault(r["recipe"], {})[r["label"]] = r   # the newest line of a label wins
print(f"Class-conditional MNIST, {sys.argv[2]} steps, batch 128, seed 1; n = {sys.argv[3]} samples "
      f"(100 per class), guidance {sys.argv[4]}. FID-LeNet over its floor; class accuracy by LeNet.")
print()
print("| recipe | sampler | NFE | FID-LeNet / floor | class accuracy | train time |")
print("|---|---|---|---|---|---|")
for name, cells in by.items():
    g = cells.get("guided")
    t = cells.get("train")
    wall = f"{t['seconds'] / 60:.0f} min" if t else ""
    if g:
        print(f"| {name} | {g.get('sampler', '')} | {g['nfe']:.0f} | {g['fidLenet'] / g['fidLenetFloor']:.2f}x "
              f"| {g.get('classAccuracy', float('nan')):.3f} | {wall} |")
procs = [(n, c) for n, c in by.items() if "heun-5" in c]
if procs:
    print()
    print("Guidance 1 (one evaluation per step), Heun with 5, 10 and 25 steps: FID-LeNet over its "
          "floor, NFE in brackets; class accuracy at NFE 20 in the last column.")
    print()
    print("| recipe | NFE 10 | NFE 20 | NFE 50 | class accuracy |")
    print("|---|---|---|---|---|")
    for name, c in procs:
        cells = [c.get(f"heun-{s}") for s in (5, 10, 25)]
        acc = f"{cells[1]['classAccuracy']:.3f}" if cells[1] else ""
        print(f"| {name} | " + " | ".join(f"{r['fidLenet'] / r['fidLenetFloor']:.2f}x ({r['nfe']:.0f})"
                                         if r else "" for r in cells) + f" | {acc} |")
PY
