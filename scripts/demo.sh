#!/usr/bin/env bash
# The built-in demo: trains a 2-D diffusion model on gmm8 (or the data set given as $1) on this
# machine, then samples it with every sampler and writes one picture each into runs/demo-NAME/.
# No downloads: the 2-D data are generated on the fly. A few minutes on 2 CPU cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${1:-gmm8}"
run="$root/runs/demo-$data"
sf="$root/scripts/scoreflow"

if [ -d "$run/checkpoints" ]; then
  "$sf" train --data "$data" --steps 3000 --seed 1 --out "$run" --resume
else
  "$sf" train --data "$data" --steps 3000 --seed 1 --out "$run"
fi
"$sf" sample --run "$run" --sampler ddim --steps 50 --eta 0 --spacing quadratic --seed 2 \
  --out "$run/ddim.png" --npy "$run/ddim.npy" --trajectory "$run/ddim-paths.png"
"$sf" sample --run "$run" --sampler ddim --steps 50 --eta 1 --spacing quadratic --seed 2 --out "$run/ddim-eta1.png"
"$sf" sample --run "$run" --sampler ddpm --steps 1000 --n 2000 --seed 2 --out "$run/ddpm.png"
"$sf" sample --run "$run" --sampler dpm++2m --steps 15 --spacing quadratic --seed 2 --out "$run/dpmpp2m.png"
"$sf" sample --run "$run" --sampler ode --solver heun --steps 25 --spacing quadratic --seed 2 \
  --out "$run/ode-heun.png" --trajectory "$run/ode-paths.png"
"$sf" sample --run "$run" --sampler ode --solver rk45 --n 2000 --seed 2 --out "$run/ode-rk45.png"
"$sf" sample --run "$run" --sampler sde --gamma 1 --steps 500 --spacing quadratic --n 2000 --seed 2 \
  --out "$run/sde.png" --trajectory "$run/sde-paths.png"
echo "Pictures in $run:"
ls "$run"/*.png
