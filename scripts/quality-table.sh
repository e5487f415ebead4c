#!/usr/bin/env bash
# NFE-versus-quality table (in the spirit of Table 1 of the DDIM paper) for a trained 2-D gmm8
# run: each sampler at NFE 10, 20, 50, 100 and 1000, scored by sliced W1 to fresh data (beside
# its data-vs-data floor) and the mean log-density of the samples under the true mixture.
#
#   scripts/quality-table.sh [RUN]     (default runs/demo-gmm8; trained by scripts/demo.sh's
#                                       command when missing)
# Environment: N (samples per cell, default 5000), SEED (default 2).
# MNIST: needs an image quality metric (FID-LeNet), which scoreflow does not have yet; the
# script says so instead of printing a table it cannot measure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sf="$root/scripts/scoreflow"
run="${1:-$root/runs/demo-gmm8}"
n="${N:-5000}"
seed="${SEED:-2}"
if [ ! -d "$run/checkpoints" ]; then
  "$sf" train --data gmm8 --steps 3000 --seed 1 --out "$run"
fi
out="$(mktemp)"
cell() { # label, then eval flags
  local label="$1"; shift
  echo "quality-table: $label $*" >&2
  "$sf" eval --run "$run" --n "$n" --seed "$seed" --json "$@" 2>/dev/null | tail -1 \
    | sed "s/^{/{\"label\": \"$label\", /" >> "$out"
}
for nfe in 10 20 50 100 1000; do
  cell "ddpm" --sampler ddpm --steps "$nfe"
  for eta in 0 0.5 1; do
    cell "ddim eta=$eta (quadratic)" --sampler ddim --eta "$eta" --steps "$nfe" --spacing quadratic
  done
  cell "ode heun (quadratic)" --sampler ode --solver heun --steps $((nfe / 2)) --spacing quadratic
  cell "dpm++2m (logsnr)" --sampler dpm++2m --steps "$nfe" --spacing logsnr
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
print()
print("MNIST: not measured. It needs an image quality metric (FID-LeNet), which scoreflow does not have yet.")
PY
rm -f "$out"
