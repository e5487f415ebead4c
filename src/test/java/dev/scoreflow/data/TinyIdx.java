package dev.scoreflow.data;

import java.io.IOException;
import java.nio.file.Path;

/** Small IDX data sets made by the tests themselves; image i carries i in its first pixel. */
final class TinyIdx {
  private TinyIdx() {}

  /** n images of rows x cols: pixel 0 = i, the rest a pattern that differs across columns. */
  static byte[] pixels(int n, int rows, int cols) {
    byte[] p = new byte[n * rows * cols];
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          int k = (i * rows + r) * cols + c;
          p[k] = (byte) (r == 0 && c == 0 ? i : (i * 7 + r * 3 + c * 11) & 0xff);
        }
      }
    }
    return p;
  }

  static byte[] labels(int n) {
    byte[] l = new byte[n];
    for (int i = 0; i < n; i++) {
      l[i] = (byte) (i % 10);
    }
    return l;
  }

  /** Writes split-images/labels (e.g. t10k) into {@code dir}, gzip when {@code gz}. */
  static void writePair(Path dir, String split, int n, int rows, int cols, boolean gz) throws IOException {
    String ext = gz ? ".gz" : "";
    IdxWriter.writeImages(dir.resolve(split + "-images-idx3-ubyte" + ext), pixels(n, rows, cols), n, rows, cols);
    IdxWriter.writeLabels(dir.resolve(split + "-labels-idx1-ubyte" + ext), labels(n));
  }
}
