#!/usr/bin/env bash
# Where the time goes, op by op, in scoreflow and in the PyTorch reference (docs/reference.md) on one
# bench workload: records PyTorch's profiler traces of 3 training steps and of one 50-step DDIM
# run for each implementation, then prints per training step and per sampling run the
# milliseconds in convolutions, matrix products and everything else, and the largest other ops.
#
#   scripts/profile.sh [--workload unet|toy] [--peer DIR]
#
# Traces land in runs/profile/TIME/ (open them in Perfetto or chrome://tracing). Profiling adds
# overhead, so read the shares, not the absolute times; scripts/bench.sh gives the speeds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peer="${PEER_DIR:-$root/../shared/peer}"
workload=unet
while [ $# -gt 0 ]; do
  case "$1" in
    --peer) peer="$2"; shift 2 ;;
    --workload) workload="$2"; shift 2 ;;
    *) echo "profile.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$workload" in toy|unet) ;; *) echo "profile.sh: --workload must be toy or unet" >&2; exit 2 ;; esac
[ -f "$peer/bench_torch.py" ] || { echo "profile.sh: no bench_torch.py in $peer (use --peer DIR)" >&2; exit 2; }
source "$root/scripts/peer-torch.sh"

out="$root/runs/profile/$(date -u +%Y-%m-%dT%H%M%S)"
mkdir -p "$out"
echo "profile.sh: scoreflow ..." >&2
"$root/scripts/scoreflow" bench --workload "$workload" --profile "$out" > "$out/scoreflow.jsonl" 2>/dev/null

echo "profile.sh: PyTorch ..." >&2
# The reference's run.sh settings: OpenBLAS (OpenMP build) and tcmalloc.
D=/usr/lib/x86_64-linux-gnu
[ -e $D/openblas-openmp/libblas.so.3 ] && export LD_LIBRARY_PATH=$D/openblas-openmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
[ -e $D/libtcmalloc_minimal.so.4 ] && export LD_PRELOAD=$D/libtcmalloc_minimal.so.4${LD_PRELOAD:+:$LD_PRELOAD}
/usr/bin/python3 - "$peer" "$workload" "$out" <<'PY'
# The reference's workload as bench_torch.py sets it up, profiled the way scoreflow's bench does.
import sys
import torch
sys.path.insert(0, sys.argv[1])
import bench_torch as B
workload, out = sys.argv[2], sys.argv[3]
torch.set_num_threads(B.THREADS)
B.seed_all()
if workload == "toy":
    model, data, lr, bs, shape = B.ToyMLP(), B.two_moons(100_000), 1e-3, 1024, (10_000, 2)
else:
    model, lr, bs, shape = B.UNetS(), 2e-4, 128, (64, 1, 28, 28)
    data = torch.rand(1024, 1, 28, 28) * 2 - 1
opt = torch.optim.Adam(model.parameters(), lr=lr)
def step():
    opt.zero_grad(set_to_none=True)
    B.diffusion_loss(model, data[torch.randint(0, data.shape[0], (bs,))]).backward()
    opt.step()
for _ in range(5):
    step()
with torch.profiler.profile() as p:
    for _ in range(3):
        step()
p.export_chrome_trace(f"{out}/{workload}-train-pytorch.json")
model.eval()
B.ddim_sample(model, shape)
with torch.profiler.profile() as p:
    B.ddim_sample(model, shape)
p.export_chrome_trace(f"{out}/{workload}-sample-pytorch.json")
PY
echo "traces: $out" >&2
/usr/bin/python3 "$root/scripts/profile_summary.py" "$out" "$workload"
