#!/usr/bin/env bash
# Cross-check scoreflow's networks against the PyTorch reference modules, layer for layer: the
# EMA weights of the shipped models/gmm8-mlp and models/mnist-unet-s are exported with
# `scoreflow export --format safetensors` (into a temporary folder; models/ is not written),
# loaded into the reference ToyMLP and UNetS with load_state_dict(strict=True), and both
# implementations evaluate eps on the same seeded inputs (x, t). It prints the largest absolute
# difference per model and fails when one exceeds 1e-4. It also checks that scoreflow reading
# the exported ema.safetensors gives the same eps, bit for bit, as reading the shipped ema.ndlist.
# The inputs: x ~ N(0, 1) (512 points; 32 images), t spread over [1e-3, 1], one t per row; both
# sides take t in [0, 1] and embed t * 1000, so the same t goes to both.
#
#   scripts/torch-crosscheck.sh [--peer DIR]     (DIR holds bench_torch.py; default ../shared/peer,
#                                                 or $PEER_DIR)
#
# Optional, not part of CI. Needs Debian's python3-torch: if /usr/bin/python3 cannot import torch,
# it is installed with apt-get (as root; this is the only step that uses the network).
# The reference modules are imported from bench_torch.py at run time, not copied.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peer="${PEER_DIR:-$root/../shared/peer}"
while [ $# -gt 0 ]; do
  case "$1" in
    --peer) peer="$2"; shift 2 ;;
    *) echo "torch-crosscheck.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -f "$peer/bench_torch.py" ] || { echo "torch-crosscheck.sh: no bench_torch.py in $peer (use --peer DIR)" >&2; exit 2; }
peer="$(cd "$peer" && pwd)"

source "$root/scripts/peer-torch.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sf() { "$root/scripts/scoreflow" "$@" 2>/dev/null >/dev/null || { echo "torch-crosscheck.sh: scoreflow $* failed" >&2; "$root/scripts/scoreflow" "$@" >&2; exit 1; }; }

/usr/bin/python3 "$root/scripts/torch_crosscheck.py" inputs "$work"
cases=()
for spec in gmm8-mlp:mlp mnist-unet-s:unet; do
  name="${spec%%:*}"
  arch="${spec##*:}"
  sf export --model "$root/models/$name" --out "$work/$name" --format safetensors
  sf eps --model "$root/models/$name" --x "$work/$arch-x.npy" --t "$work/$arch-t.npy" --out "$work/$name-eps.npy"
  sf eps --model "$work/$name" --x "$work/$arch-x.npy" --t "$work/$arch-t.npy" --out "$work/$name-eps-st.npy"
  cmp -s "$work/$name-eps.npy" "$work/$name-eps-st.npy" \
    || { echo "torch-crosscheck.sh: $name: eps from ema.safetensors differs from eps from ema.ndlist" >&2; exit 1; }
  echo "$name: scoreflow's eps from the exported ema.safetensors = from ema.ndlist, bit for bit"
  cases+=("$name:$arch:$work/$name")
done
/usr/bin/python3 "$root/scripts/torch_crosscheck.py" compare "$peer/bench_torch.py" "$work" "${cases[@]}"
