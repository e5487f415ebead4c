# Sourced by bench.sh and profile.sh: makes Debian's PyTorch available for the reference
# (docs/reference.md), installing python3-torch, OpenBLAS and tcmalloc with apt-get (as root) if missing.
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "$(basename "$0"): installing Debian's python3-torch (and OpenBLAS, tcmalloc) with apt-get ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq python3-torch libopenblas0-openmp libtcmalloc-minimal4 >/dev/null
fi
