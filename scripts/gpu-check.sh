#!/usr/bin/env bash
# The one check to run on a CUDA machine: does scoreflow work there, and how does it compare
# with the CPU? It runs, each as its own scoreflow process:
#   1. info (which natives loaded, and why no GPU if none);
#   2. the shipped models sampled on the device and on the CPU with the same seed: the largest
#      difference and both wall times;
#   3. gmm8 training 200 steps twice, and 100 + resume + 100: compared byte for byte;
#   4. UNet-S 60 steps on the test fixture digits, uninterrupted and with a resume at 30;
#   5. bench on the device;
# and records each process's peak host memory. It prints a table and exits non-zero when a check
# fails. Usage:
#   SCOREFLOW_CUDA=1 scripts/gpu-check.sh            # on a GPU (builds with -Pcuda if needed)
#   scripts/gpu-check.sh --device cpu                # the same on the CPU, shorter (CI runs it)
# Work files go to $GPU_CHECK_DIR (default: a fresh temporary folder, kept for inspection).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
device=gpu
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device="$2"; shift 2 ;;
    --device=*) device="${1#--device=}"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$device" in
  cpu) kind=cpu ;;
  gpu|gpu:*) kind=gpu ;;
  *) echo "gpu-check: --device must be cpu, gpu or gpu:N, got $device" >&2; exit 2 ;;
esac

work="${GPU_CHECK_DIR:-$(mktemp -d -t scoreflow-gpu-check.XXXXXX)}"
mkdir -p "$work"
# A reused GPU_CHECK_DIR still holds the training runs of the last check, which `train` would
# refuse to overwrite: remove those (and only those) first.
rm -rf "$work/gmm8-a" "$work/gmm8-b" "$work/gmm8-c" "$work/unet-a" "$work/unet-b"
sf="$root/scripts/scoreflow"
fixture="$root/src/test/resources/mnist-300"
# On the CPU (CI: 2 cores) the image parts are cut down so the whole check takes a few minutes.
if [ "$kind" = cpu ]; then
  ddim_steps=10; unet_batch=16; bench_args=(--workload toy --smoke)
else
  ddim_steps=50; unet_batch=128; bench_args=(--workload all)
fi

rows=()
failed=0

# run NAME CMD...: runs one scoreflow process, logs to $work/NAME.log, records its wall time and
# peak resident memory (polled from /proc; the launcher execs java, so the pid is the JVM's).
run() {
  local name="$1"; shift
  local log="$work/$name.log" start peak=0 rss rc
  start=$(date +%s.%N)
  "$@" >"$log" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ -n "$rss" ] && [ "$rss" -gt "$peak" ] && peak=$rss
    sleep 0.2
  done
  if wait "$pid"; then rc=0; else rc=$?; fi
  last_wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
  last_rss=$((peak / 1024))
  if [ "$rc" -ne 0 ]; then
    echo "gpu-check: $name failed (exit $rc); last lines of $log:" >&2
    tail -n 15 "$log" >&2
  fi
  return "$rc"
}

# row CHECK RESULT NOTE: one line of the table; RESULT FAIL makes the script exit 1.
row() {
  rows+=("$(printf '%-30s %-6s %8s %9s  %s' "$1" "$2" "${last_wall:-}" "${last_rss:-}" "$3")")
  [ "$2" = FAIL ] && failed=1
  return 0
}

same_bytes() { # the newest checkpoint's weights of two run folders, byte for byte
  local a b
  a=$(ls -d "$1"/checkpoints/step-* | tail -n 1)
  b=$(ls -d "$2"/checkpoints/step-* | tail -n 1)
  cmp -s "$a/model.ndlist" "$b/model.ndlist" && cmp -s "$a/ema.ndlist" "$b/ema.ndlist" \
    && cmp -s "$a/adam-v.ndlist" "$b/adam-v.ndlist"
}

# Byte equality must hold on the CPU; on a GPU it may not (README, "Determinism"): reported only.
compare_runs() { # NAME RUN_A RUN_B
  if same_bytes "$2" "$3"; then
    row "$1" ok "identical bytes"
  elif [ "$kind" = gpu ]; then
    row "$1" note "bytes differ (GPU kernels are not bit-reproducible)"
  else
    row "$1" FAIL "bytes differ on the CPU"
  fi
}

npy_diff() { java "$root/scripts/NpyDiff.java" "$1" "$2"; }

# 1. info
if run info "$sf" info --device "$device"; then
  natives=$(awk '/^natives loaded/ {print $3}' "$work/info.log")
  if [ "$kind" = gpu ] && [ "${natives#cu}" = "$natives" ]; then
    row "info" FAIL "natives loaded: $natives; $(awk -F'   ' '/^no GPU because/ {print $2}' "$work/info.log")"
  else
    row "info" ok "natives loaded: $natives"
  fi
else
  row "info" FAIL "see $work/info.log"
fi

# 2. shipped models on the device and on the CPU, same seed
sample_pair() { # NAME TOLERANCE ARGS...
  local name="$1" tol="$2"; shift 2
  local t_dev t_cpu diff
  if ! run "$name-$kind" "$sf" sample --device "$device" --seed 7 "$@" \
      --out "$work/$name-$kind.png" --npy "$work/$name-$kind.npy"; then
    row "sample $name" FAIL "on $device: see $work/$name-$kind.log"; return
  fi
  t_dev=$last_wall
  if ! run "$name-cpu-ref" "$sf" sample --device cpu --seed 7 "$@" \
      --out "$work/$name-cpu-ref.png" --npy "$work/$name-cpu-ref.npy"; then
    row "sample $name" FAIL "on the CPU: see $work/$name-cpu-ref.log"; return
  fi
  t_cpu=$last_wall
  diff=$(npy_diff "$work/$name-$kind.npy" "$work/$name-cpu-ref.npy")
  if awk -v d="$diff" -v t="$tol" 'BEGIN {exit !(d == d && d <= t)}'; then
    row "sample $name" ok "max |$kind - cpu| = $diff (<= $tol); wall $device ${t_dev}s, cpu ${t_cpu}s"
  else
    row "sample $name" FAIL "max |$kind - cpu| = $diff (> $tol); wall $device ${t_dev}s, cpu ${t_cpu}s"
  fi
}
# On the CPU two seeded runs must agree exactly. On a GPU the same seed feeds CUDA's generator,
# which draws other numbers than the CPU's, so the samples differ as independent draws do: the
# difference is reported, not checked (the sampling code itself is checked by the test suite).
if [ "$kind" = cpu ]; then tol2=0; toli=0; else tol2=1e30; toli=1e30; fi
sample_pair gmm8 "$tol2" --model "$root/models/gmm8-mlp" --sampler ddim --steps 50 --n 5000
sample_pair mnist "$toli" --model "$root/models/mnist-unet-s" --sampler ddim \
  --steps "$ddim_steps" --grid 4x4
# the class-conditional models with their recommended sampling (sampling.json), one row per class
sample_pair mnist-cond "$toli" --model "$root/models/mnist-cond" --class all --grid 10x2
sample_pair fashion-mnist-cond "$toli" --model "$root/models/fashion-mnist-cond" --class all \
  --grid 10x2

# 3. gmm8: 200 steps twice, and 100 + resume + 100
g=(train --device "$device" --data gmm8 --seed 1 --log-every 50)
if run gmm8-a "$sf" "${g[@]}" --steps 200 --out "$work/gmm8-a" \
  && run gmm8-b "$sf" "${g[@]}" --steps 200 --out "$work/gmm8-b"; then
  compare_runs "gmm8 200 steps, twice" "$work/gmm8-a" "$work/gmm8-b"
else
  row "gmm8 200 steps, twice" FAIL "see $work/gmm8-*.log"
fi
if run gmm8-c1 "$sf" "${g[@]}" --steps 100 --out "$work/gmm8-c" \
  && run gmm8-c2 "$sf" "${g[@]}" --steps 200 --out "$work/gmm8-c" --resume; then
  compare_runs "gmm8 100 + resume + 100" "$work/gmm8-a" "$work/gmm8-c"
else
  row "gmm8 100 + resume + 100" FAIL "see $work/gmm8-c*.log"
fi

# 4. UNet-S on the fixture digits: 60 steps, and 30 + resume + 30
u=(train --device "$device" --data "idx:$fixture" --seed 1 --batch "$unet_batch" --log-every 10)
if run unet-a "$sf" "${u[@]}" --steps 60 --out "$work/unet-a" \
  && run unet-b1 "$sf" "${u[@]}" --steps 30 --out "$work/unet-b" \
  && run unet-b2 "$sf" "${u[@]}" --steps 60 --out "$work/unet-b" --resume; then
  compare_runs "unet-s 60 steps vs 30+resume+30" "$work/unet-a" "$work/unet-b"
else
  row "unet-s 60 steps, resume" FAIL "see $work/unet-*.log"
fi

# 5. bench on the device
if run bench "$sf" bench --device "$device" "${bench_args[@]}"; then
  rates=$(grep -o '"workload":"[a-z]*","metric":"[a-z_]*","value":[0-9.eE+-]*' "$work/bench.log" \
    | grep -v param_count | sed 's/"workload":"\([a-z]*\)","metric":"\([a-z_]*\)","value":/\1 \2 /' \
    | tr '\n' ';' || true)
  row "bench ${bench_args[*]}" ok "${rates:-see $work/bench.log}"
else
  row "bench" FAIL "see $work/bench.log"
fi

echo
echo "scoreflow GPU check on --device $device ($(date -u +%Y-%m-%dT%H:%MZ)); work files in $work"
printf '%-30s %-6s %8s %9s  %s\n' check result "wall s" "peak MB" note
for r in "${rows[@]}"; do echo "$r"; done
if [ "$failed" -ne 0 ]; then
  echo "gpu-check: FAILED" >&2
  exit 1
fi
echo "gpu-check: all checks passed"
