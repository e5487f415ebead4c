#!/usr/bin/env bash
# NFE-versus-quality table (in the spirit of Table 1 of the DDIM paper) for a trained 2-D gmm8
# run: each sampler at NFE 10, 20, 50, 100 and 1000, scored by sliced W1 to fresh data (beside
# its data-vs-data floor) and the mean log-density of the samples under the true mixture.
#
#   scripts/quality-table.sh [RUN]     (default runs/demo-gmm8; trained by scripts/demo.sh's
#                                       command when missing)
#   scripts/quality-table.sh mnist [MODEL]   (default models/mnist-unet-s, scored by FID-LeNet
#                                       with models/lenet-mnist; needs datasets/mnist, see
#                                       scripts/get-datasets.sh)
#   scripts/quality-table.sh processes [DIR] (default runs/processes): one gmm8 run per process,
#                                       vp-linear (eps), rectified-flow (velocity), pfgm D = 1
#                                       and tanh-kernel (their default: edm, stable targets),
#                                       same network, steps and seed (trained into DIR/NAME when
#                                       missing, 1-2 minutes each), each sampled by the ODE at
#                                       NFE 10, 20, 50, and rk45 at tolerance 1e-3 and its
#                                       default. MNIST rows for the processes come from
#                                       scripts/recipe-table.sh (PROCESS_ROWS=1).
# Environment: N (samples per cell, default 5000 for gmm8, 500 for MNIST), SEED (default 2).
# MNIST cells cost about NFE x N / 350 seconds on a 2-core CPU, so its table stops at NFE 100.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sf="$root/scripts/scoreflow"
seed="${SEED:-2}"
out="$(mktemp)"
source_flags=()   # --model DIR or --run DIR, set below
cell() { # label, then eval flags: one JSON line, labelled, appended to $out
  local label="$1"; shift
  echo "quality-table: $label $*" >&2
  "$sf" eval "${source_flags[@]}" --n "$n" --seed "$seed" --json "$@" 2>/dev/null | tail -1 \
    | sed "s/^{/{\"label\": \"$label\", /" >> "$out"
}

if [ "${1:-}" = "mnist" ]; then
  model="${2:-$root/models/mnist-unet-s}"
  n="${N:-500}"
  source_flags=(--model "$model")
  for nfe in 10 20 50; do
    cell "ddpm" --sampler ddpm --steps "$nfe"
    cell "ddim eta=0 (quadratic)" --sampler ddim --steps "$nfe" --spacing quadratic
    cell "ode heun (quadratic)" --sampler ode --solver heun --steps $((nfe / 2)) --spacing quadratic
    cell "dpm++2m (logsnr)" --sampler dpm++2m --steps "$nfe" --spacing logsnr
  done
  cell "ddim eta=0 (quadratic)" --sampler ddim --steps 100 --spacing quadratic
  python3 - "$out" "$model" "$n" <<'PY'
import json, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
floor = sum(r["fidLenetFloor"] for r in rows) / max(1, len(rows))
print(f"MNIST model `{sys.argv[2]}`, n = {sys.argv[3]} samples per cell. Cells: FID-LeNet (features of "
      f"models/lenet-mnist; not comparable with Inception FID) against {sys.argv[3]} training images; "
      f"floor (held-out vs training images, same n) {floor:.2f}.")
print()
fixed = collections.OrderedDict()
for r in rows:
    fixed.setdefault(r["label"], {})[r["nfe"]] = r
nfes = sorted({k for v in fixed.values() for k in v})
print("| sampler | " + " | ".join(f"NFE {k}" for k in nfes) + " |")
print("|---|" + "---|" * len(nfes))
for label, cells in fixed.items():
    print(f"| {label} | " + " | ".join(
        f"{cells[k]['fidLenet']:.1f} ({cells[k]['fidLenet'] / cells[k]['fidLenetFloor']:.1f}x)" if k in cells else ""
        for k in nfes) + " |")
PY
  rm -f "$out"
  exit 0
fi
if [ "${1:-}" = "processes" ]; then
  dir="${2:-$root/runs/processes}"
  n="${N:-2000}"
  declare -A train_flags=(
    [vp-linear]="--process vp-linear --prediction eps"
    [rectified-flow]="--process rectified-flow --prediction velocity"
    [pfgm]="--process pfgm --pfgm-d 1"
    [tanh-kernel]="--process tanh-kernel"
  )
  for name in vp-linear rectified-flow pfgm tanh-kernel; do
    if [ ! -d "$dir/$name/checkpoints" ]; then
      # shellcheck disable=SC2086
      "$sf" train --data gmm8 --steps 3000 --seed 1 ${train_flags[$name]} --out "$dir/$name"
    fi
    source_flags=(--run "$dir/$name")
    for nfe in 10 20 50; do
      cell "$name|ode euler" --sampler ode --solver euler --steps "$nfe"
      cell "$name|ode heun" --sampler ode --solver heun --steps $((nfe / 2))
    done
    cell "$name|ode rk45 tol=1e-3" --sampler ode --solver rk45 --rtol 1e-3 --atol 1e-3
    cell "$name|ode rk45 (default tol 1e-5)" --sampler ode --solver rk45
  done
  python3 - "$out" "$dir" "$n" <<'PY'
import json, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
floor = sum(r["swFloor"] for r in rows) / max(1, len(rows))
print(f"gmm8 runs in `{sys.argv[2]}` (3000 steps, seed 1, the default MLP), n = {sys.argv[3]} samples per "
      f"cell, uniform time grid. Cells: sliced W1 to fresh data as a multiple of the data-vs-data "
      f"floor ({floor:.4f}); in brackets the share of the rarest of the 8 modes (1/8 = 0.125 ideal).")
print()
def cell(r):
    shares = r.get("modeShares") or []
    rare = f" ({min(shares):.3f})" if shares else ""
    return f"{r['sw'] / r['swFloor']:.2f}x{rare}"
fixed = collections.OrderedDict()
adaptive = collections.OrderedDict()
for r in rows:
    if "rk45" in r["label"]:
        adaptive[r["label"]] = r
    else:
        fixed.setdefault(r["label"], {})[r["nfe"]] = r
nfes = sorted({k for v in fixed.values() for k in v})
print("| process | sampler | " + " | ".join(f"NFE {k}" for k in nfes) + " |")
print("|---|---|" + "---|" * len(nfes))
for label, cells in fixed.items():
    proc, sampler = label.split("|")
    print(f"| {proc} | {sampler} | " + " | ".join(cell(cells[k]) if k in cells else "" for k in nfes) + " |")
print()
print("| process | sampler | NFE | W1 / floor |")
print("|---|---|---|---|")
for label, r in adaptive.items():
    proc, sampler = label.split("|")
    print(f"| {proc} | {sampler} | {r['nfe']} | {cell(r)} |")
PY
  rm -f "$out"
  exit 0
fi
run="${1:-$root/runs/demo-gmm8}"
n="${N:-5000}"
source_flags=(--run "$run")
if [ ! -d "$run/checkpoints" ]; then
  "$sf" train --data gmm8 --steps 3000 --seed 1 --out "$run"
fi
for nfe in 10 20 50 100 1000; do
  cell "ddpm" --sampler ddpm --steps "$nfe"
  for eta in 0 0.5 1; do
    cell "ddim eta=$eta (quadratic)" --sampler ddim --eta "$eta" --steps "$nfe" --spacing quadratic
  done
  cell "ode heun (quadratic)" --sampler ode --solver heun --steps $((nfe / 2)) --spacing quadratic
  cell "dpm++2m (logsnr)" --sampler dpm++2m --steps "$nfe" --spacing logsnr
  # Few steps do better stopping at t = 0.02 than crossing the stiff last stretch (README).
  cell "dpm++2m (quadratic, t-min 0.02)" --sampler dpm++2m --steps "$nfe" --spacing quadratic --t-min 0.02
done
for tol in 1e-1 1e-2 1e-3 1e-4 1e-5; do
  cell "ode rk45 tol=$tol" --sampler ode --solver rk45 --rtol "$tol" --atol "$tol"
done

python3 - "$out" "$run" "$n" <<'PY'
import json, sys, collections
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
floor = sum(r["swFloor"] for r in rows) / max(1, len(rows))
data_logp = rows[0].get("dataMeanLogDensity") if rows else None
print(f"gmm8 run `{sys.argv[2]}`, n = {sys.argv[3]} samples per cell. Cells: sliced W1 to fresh data "
      f"as a multiple of the data-vs-data floor ({floor:.4f}); in brackets the mean log-density "
      f"under the true mixture (fresh data: {data_logp:.3f}).")
print()
fixed = collections.OrderedDict()
adaptive = []
for r in rows:
    if r["label"].startswith("ode rk45"):
        adaptive.append(r)
    else:
        fixed.setdefault(r["label"], {})[r["nfe"]] = r
nfes = sorted({k for v in fixed.values() for k in v})
print("| sampler | " + " | ".join(f"NFE {k}" for k in nfes) + " |")
print("|---|" + "---|" * len(nfes))
for label, cells in fixed.items():
    print(f"| {label} | " + " | ".join(
        f"{cells[k]['sw'] / cells[k]['swFloor']:.2f}x ({cells[k]['meanLogDensity']:.2f})" if k in cells else ""
        for k in nfes) + " |")
print()
print("| ode rk45 | NFE | W1 / floor | mean log-density |")
print("|---|---|---|---|")
for r in adaptive:
    print(f"| {r['label'][9:]} | {r['nfe']} | {r['sw'] / r['swFloor']:.2f}x | {r['meanLogDensity']:.2f} |")
PY
rm -f "$out"
