package dev.scoreflow.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-device set: pixel mapping, shapes, labels, gathering and flipping. */
class ImageDatasetTest {
  @TempDir Path dir;

  @Test
  void pixelsMapToMinusOneToOne() throws IOException {
    // 2 images of 2x3: every byte value of interest, including both ends.
    byte[] pixels = {0, (byte) 255, 51, (byte) 204, 127, (byte) 128, 1, 2, 3, 4, 5, 6};
    IdxWriter.writeImages(dir.resolve("i.gz"), pixels, 2, 2, 3);
    IdxWriter.writeLabels(dir.resolve("l.gz"), new byte[] {7, (byte) 200});
    try (NDManager m = TestEngine.manager(0);
        ImageDataset d = ImageDataset.of("tiny", IdxReader.readImages(dir.resolve("i.gz")),
            IdxReader.readLabels(dir.resolve("l.gz")), m, false)) {
      NDArray x = d.images();
      assertEquals(new Shape(2, 1, 2, 3), x.getShape());
      assertEquals(DataType.FLOAT32, x.getDataType());
      assertEquals(new Shape(1, 2, 3), d.exampleShape());
      assertEquals(2, d.size());
      float[] v = x.toFloatArray();
      assertEquals(-1f, v[0]);
      assertEquals(1f, v[1]);
      for (int i = 0; i < pixels.length; i++) {
        assertEquals((pixels[i] & 0xff) / 127.5 - 1, v[i], 1e-6, "pixel " + i);
      }
      assertEquals(DataType.INT64, d.labels().getDataType());
      assertArrayEquals(new long[] {7, 200}, d.labels().toLongArray()); // unsigned, not -56
      assertEquals(Device.cpu(), d.device());
    }
  }

  @Test
  void loadReadsBothFilesOntoTheDevice() throws IOException {
    TinyIdx.writePair(dir, "t10k", 12, 4, 5, true);
    ImageFiles files = ImageSource.resolve("idx:" + dir, dir);
    TestEngine.manager(0).close();
    try (ImageDataset d = ImageDataset.load(files, Device.cpu(), false)) {
      assertEquals(12, d.size());
      assertEquals(4, d.rows());
      assertEquals(5, d.cols());
      assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1}, d.labels().toLongArray());
      float[] first = d.images().get(3).toFloatArray();
      assertEquals(3 / 127.5 - 1, first[0], 1e-6);
    }
  }

  @Test
  void gatherPicksAndFlipsRows() throws IOException {
    byte[] pixels = TinyIdx.pixels(6, 2, 3);
    try (NDManager m = TestEngine.manager(0);
        ImageDataset d = ImageDataset.of("tiny", idx(pixels, 6, 2, 3), idx(TinyIdx.labels(6), 6), m, false)) {
      NDArray idx = m.create(new long[] {4, 1, 4});
      NDArray flip = m.create(new boolean[] {false, true, true});
      float[] got = d.gather(m, idx, flip).toFloatArray();
      float[] all = d.images().toFloatArray();
      long[] rows = {4, 1, 4};
      boolean[] flips = {false, true, true};
      for (int b = 0; b < 3; b++) {
        for (int r = 0; r < 2; r++) {
          for (int c = 0; c < 3; c++) {
            int src = (int) rows[b] * 6 + r * 3 + (flips[b] ? 2 - c : c);
            assertEquals(all[src], got[b * 6 + r * 3 + c], "batch " + b + " r " + r + " c " + c);
          }
        }
      }
      assertArrayEquals(new long[] {4, 1, 4}, d.gatherLabels(m, idx).toLongArray());
      assertEquals(new Shape(3, 1, 2, 3), d.gather(m, idx, null).getShape());
    }
  }

  @Test
  void mismatchedCountsAreRefusedBeforeTouchingTheDevice() {
    try (NDManager m = TestEngine.manager(0)) {
      assertThrows(DataFormatException.class,
          () -> ImageDataset.of("x", idx(new byte[8], 2, 2, 2), idx(new byte[3], 3), m, false));
    }
  }

  private static IdxData idx(byte[] payload, int... dims) {
    return new IdxData(Path.of("memory"), dims, payload);
  }
}
