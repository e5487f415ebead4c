#!/usr/bin/env bash
# Guidance sweep for a class-conditional image model at a fixed budget of network evaluations:
# scores each setting with `scoreflow eval` (FID-LeNet over its floor and class accuracy on N
# class-balanced samples) and prints one Markdown table. Guidance 1 evaluates the network once
# per step, so it gets twice the steps of a guided setting (a guided step evaluates the
# conditional and the unconditional halves in one batched call, and counts 2).
#
#   scripts/guidance-sweep.sh --run DIR|--model DIR [GUIDANCE ...]   (default 1 1.25 1.5 2 3)
#
# A GUIDANCE of the form S@LO,HI guides only at the noise levels sigma in (LO, HI]
# (--guidance-interval; HI may be inf): its steps are the most whose NFE, found by drawing one
# sample per try, stays within the budget.
#
# Environment: N (samples, default 1000 = 100 per class), SEED (eval seed, default 11),
# NFE (network evaluations per sample, default 20), SAMPLER (default "ode --solver heun": Heun
# takes 2 evaluations per step), OUT (JSON lines, default: none kept).
# About 2 minutes per setting for UNet-S on a 2-core CPU.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sf="$root/scripts/scoreflow"

if [ $# -lt 2 ] || { [ "$1" != --run ] && [ "$1" != --model ]; }; then
  echo "usage: scripts/guidance-sweep.sh --run DIR|--model DIR [GUIDANCE ...]" >&2
  exit 1
fi
source_flag="$1"
source_dir="$2"
shift 2
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(1 1.25 1.5 2 3)
n="${N:-1000}"
seed="${SEED:-11}"
nfe="${NFE:-20}"
sampler="${SAMPLER:-ode --solver heun}"
per_step=1
case "$sampler" in
  *heun*|*rk45*) per_step=2 ;;
  *rk4*) per_step=4 ;;
esac
out="${OUT:-$(mktemp)}"

# NFE per sample of one setting, read off a one-sample `sample` run.
nfe_of() {
  # shellcheck disable=SC2086
  "$sf" sample "$source_flag" "$source_dir" --class 0 --n 1 --seed "$seed" --sampler $sampler \
    --steps "$1" --guidance "$2" "${@:3}" --out "$tmpdir/probe.png" 2>"$tmpdir/probe.err" \
    | sed -n 's/.* NFE \([0-9.]*\).*/\1/p'
}
tmpdir="$(mktemp -d)"
trap 'rm -rf "$tmpdir"' EXIT

for spec in "${scales[@]}"; do
  g="${spec%%@*}"
  interval=()
  if [ "$spec" != "$g" ]; then
    interval=(--guidance-interval "${spec#*@}")
    # Unguided steps cost 1 call: start from that many and shrink until the budget holds.
    steps=$(( nfe / per_step ))
    while [ "$steps" -ge 1 ]; do
      got="$(nfe_of "$steps" "$g" "${interval[@]}" || true)"
      if [ -z "$got" ]; then
        echo "guidance-sweep: could not sample $spec with $sampler:" >&2
        tail -3 "$tmpdir/probe.err" >&2
        exit 1
      fi
      python3 -c "import sys; sys.exit(0 if float('$got') <= $nfe else 1)" && break
      steps=$(( steps - 1 ))
    done
  else
    calls=$(python3 -c "print(1 if float('$g') == 1 else 2)")
    steps=$(( nfe / (per_step * calls) ))
  fi
  if [ "$steps" -lt 1 ]; then
    echo "guidance-sweep: NFE $nfe is too few for $sampler at guidance $spec" >&2
    exit 1
  fi
  echo "guidance-sweep: guidance $spec, $sampler, $steps steps, n=$n" >&2
  # shellcheck disable=SC2086
  if ! "$sf" eval "$source_flag" "$source_dir" --n "$n" --seed "$seed" --json --sampler $sampler \
      --steps "$steps" --guidance "$g" "${interval[@]}" > "$tmpdir/eval.txt" 2> "$tmpdir/eval.err"; then
    echo "guidance-sweep: eval failed for guidance $spec with $sampler:" >&2
    tail -3 "$tmpdir/eval.txt" "$tmpdir/eval.err" >&2
    exit 1
  fi
  tail -1 "$tmpdir/eval.txt" >> "$out"
done

python3 - "$out" "$source_dir" "$n" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
print(f"{sys.argv[2]}: n = {sys.argv[3]} class-balanced samples; "
      "FID-LeNet over its floor; class accuracy by LeNet.")
print()
print("| guidance | interval (sigma) | sampler | NFE | FID-LeNet | floor | FID / floor | class accuracy |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    lo_hi = r.get("guidanceInterval")
    where = f"({lo_hi[0]:g}, {lo_hi[1]:g}]" if lo_hi else "all"
    print(f"| {r['guidance']:g} | {where} | {r['sampler']} | {r['nfe']:.1f} | {r['fidLenet']:.2f} "
          f"| {r['fidLenetFloor']:.2f} | {r['fidLenet'] / r['fidLenetFloor']:.2f}x "
          f"| {r.get('classAccuracy', float('nan')):.3f} |")
PY
