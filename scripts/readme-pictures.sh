#!/usr/bin/env bash
# Draws README's two conditioning pictures from short runs on this machine (CPU):
#   docs/images/mnist-cond-short.png  a class-row MNIST grid (needs datasets/mnist: get-datasets.sh)
#   docs/images/rgb-folder.png        RGB samples of a small UNet trained on a synthetic picture folder
# Short runs, not shipped models: they show the features, not the quality a long run reaches.
#
#   scripts/readme-pictures.sh [--mnist-steps N] [--rgb-steps N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mnist_steps=600
rgb_steps=1500
while [ $# -gt 0 ]; do
  case "$1" in
    --mnist-steps) mnist_steps="$2"; shift 2 ;;
    --rgb-steps) rgb_steps="$2"; shift 2 ;;
    *) echo "readme-pictures.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
sf="$root/scripts/scoreflow"
work="$root/runs/readme-pictures"
mkdir -p "$work" "$root/docs/images"

# 1. A synthetic RGB folder: three classes of 16x16 pictures (red squares, green discs, blue
#    bars) at random places and sizes on a dark, slightly noisy background, written as PNG with
#    Python's standard library only (seeded: the same folder every time).
folder="$work/shapes"
rm -rf "$folder"
/usr/bin/python3 - "$folder" <<'PY'
import os, random, struct, sys, zlib
out = sys.argv[1]
rng = random.Random(7)
S = 16
def png(path, rows):
    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in rows)
    def chunk(tag, data):
        c = tag + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", S, S, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
def picture(kind):
    bg = [[[rng.randint(10, 40) for _ in range(3)] for _ in range(S)] for _ in range(S)]
    r = rng.randint(3, 5)
    cx, cy = rng.randint(r, S - 1 - r), rng.randint(r, S - 1 - r)
    for y in range(S):
        for x in range(S):
            if kind == "red-squares" and abs(x - cx) <= r and abs(y - cy) <= r:
                bg[y][x] = [rng.randint(200, 255), rng.randint(20, 60), rng.randint(20, 60)]
            elif kind == "green-discs" and (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
                bg[y][x] = [rng.randint(20, 60), rng.randint(190, 250), rng.randint(20, 60)]
            elif kind == "blue-bars" and abs(y - cy) <= 1 and abs(x - cx) <= r + 2:
                bg[y][x] = [rng.randint(20, 60), rng.randint(60, 120), rng.randint(200, 255)]
    return bg
for kind in ["blue-bars", "green-discs", "red-squares"]:
    os.makedirs(os.path.join(out, kind))
    for i in range(300):
        png(os.path.join(out, kind, f"{i:03d}.png"), picture(kind))
PY

# 2. A small class-conditional UNet on it (3x16x16, two levels of 32 and 64 channels).
rm -rf "$work/rgb"
"$sf" train --data "folder:$folder" --arch unet --model-channels 32 --channel-mult 1,2 \
  --attention-res none --class-conditional --steps "$rgb_steps" --batch 64 --lr 1e-3 \
  --ema-decay 0.995 --sample-every 0 --checkpoint-every 500 --seed 1 --out "$work/rgb"
"$sf" sample --run "$work/rgb" --class all --grid 3x8 --sampler ddim --steps 50 --guidance 2 \
  --seed 3 --out "$root/docs/images/rgb-folder.png"

# 3. A short class-conditional UNet-S run on MNIST, one grid row per digit.
rm -rf "$work/mnist"
"$sf" train --data mnist --class-conditional --steps "$mnist_steps" --batch 64 --lr 1e-3 \
  --ema-decay 0.99 --sample-every 0 --checkpoint-every 200 --seed 1 --out "$work/mnist"
"$sf" sample --run "$work/mnist" --class all --sampler ddim --steps 50 --guidance 2 --seed 3 \
  --out "$root/docs/images/mnist-cond-short.png"
echo "readme-pictures.sh: wrote docs/images/rgb-folder.png and docs/images/mnist-cond-short.png" >&2
