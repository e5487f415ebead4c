#!/usr/bin/env bash
# Benchmark scoreflow against the PyTorch reference (docs/reference.md; bench_torch.py itself lives outside the repo, see --peer) on this machine:
# both implementations run the same two workloads, alternately, REPEATS times each, and the
# script prints each ratio scoreflow/PyTorch (training steps/s, sampling samples/s) with
# min/median/max over the paired repeats, as a markdown table.
#
#   scripts/bench.sh [--peer DIR] [--repeats N] [--workload toy|unet|all]
#
# PyTorch comes from Debian's python3-torch, installed here (apt-get, as root) if missing; the
# reference runs through its own run.sh (OpenBLAS + tcmalloc, its best settings). scoreflow runs
# through scripts/scoreflow (jemalloc when installed). Run it on an otherwise idle machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peer="${PEER_DIR:-$root/../shared/peer}"
repeats=3
workload=all
while [ $# -gt 0 ]; do
  case "$1" in
    --peer) peer="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --workload) workload="$2"; shift 2 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -f "$peer/bench_torch.py" ] || { echo "bench.sh: no bench_torch.py in $peer (use --peer DIR)" >&2; exit 2; }

source "$root/scripts/peer-torch.sh"

out="$root/runs/bench/$(date -u +%Y-%m-%dT%H%M%S).jsonl"
mkdir -p "$(dirname "$out")"
case "$workload" in all) loads="toy unet" ;; *) loads="$workload" ;; esac
"$root/scripts/scoreflow" info >/dev/null 2>&1 # build the jar and unpack the natives first

for w in $loads; do
  for r in $(seq 1 "$repeats"); do
    echo "bench.sh: $w, round $r/$repeats: scoreflow ..." >&2
    "$root/scripts/scoreflow" bench --workload "$w" 2>/dev/null | sed "s/^{/{\"round\": $r, /" >> "$out"
    echo "bench.sh: $w, round $r/$repeats: PyTorch ..." >&2
    sh "$peer/run.sh" --workload "$w" | sed "s/^{/{\"round\": $r, \"impl\": \"pytorch\", /" >> "$out"
  done
done
echo "raw results: $out" >&2

/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
env = {r["impl"]: r for r in rows if r.get("metric") == "env"}
def fmt(v): return f"{v:.3g}" if v < 100 else f"{v:,.0f}"
print("| workload | metric | scoreflow median (min-max) | PyTorch median (min-max) | ratio median (min-max) |")
print("|---|---|---|---|---|")
for w in ["toy", "unet"]:
    for metric in ["train_steps_per_s", "sample_per_s"]:
        sf = {r["round"]: r["value"] for r in rows if r.get("workload") == w and r.get("metric") == metric and r["impl"] == "scoreflow"}
        pt = {r["round"]: r["value"] for r in rows if r.get("workload") == w and r.get("metric") == metric and r["impl"] == "pytorch"}
        rounds = sorted(set(sf) & set(pt))
        if not rounds:
            continue
        unit = next(r.get("unit", "") for r in rows if r.get("workload") == w and r.get("metric") == metric)
        ratios = [sf[k] / pt[k] for k in rounds]
        def span(v): return f"{fmt(statistics.median(v))} ({fmt(min(v))}-{fmt(max(v))})"
        print(f"| {w} | {metric} [{unit}] | {span([sf[k] for k in rounds])} | {span([pt[k] for k in rounds])} | "
              f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) |")
pc = {(r["impl"], r["workload"]): r["value"] for r in rows if r.get("metric") == "param_count"}
print()
print("parameter counts: " + ", ".join(f"{w} scoreflow {pc.get(('scoreflow', w))} / PyTorch {pc.get(('pytorch', w))}" for w in ["toy", "unet"] if ('scoreflow', w) in pc))
e = env.get("pytorch", {})
s = env.get("scoreflow", {})
print(f"PyTorch {e.get('torch')} ({', '.join(e.get('blas', []))[:80]}; malloc {e.get('malloc')}), "
      f"scoreflow on DJL {s.get('djl')} / PyTorch {s.get('pytorch')} (malloc {s.get('malloc')}), "
      f"{len(set(r['round'] for r in rows))} rounds")
PY
