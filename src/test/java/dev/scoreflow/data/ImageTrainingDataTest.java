package dev.scoreflow.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.train.ImageTrainingData;
import dev.scoreflow.train.ToyTrainingData;
import dev.scoreflow.spec.TrainConfig;
import dev.scoreflow.train.TrainingData;
import dev.scoreflow.train.TrainingDataFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch order: deterministic per step, a fresh permutation per epoch, free of the engine's RNG. */
class ImageTrainingDataTest {
  static final int N = 37;
  static final int ROWS = 3;
  static final int COLS = 4;

  @TempDir Path dir;

  /** Which images a batch holds, read back from the first pixel (image i carries i there). */
  private static int[] imageIds(NDArray batch) {
    assertEquals(new Shape(batch.getShape().get(0), 1, ROWS, COLS), batch.getShape());
    float[] v = batch.toFloatArray();
    int[] ids = new int[(int) batch.getShape().get(0)];
    for (int b = 0; b < ids.length; b++) {
      ids[b] = Math.round((v[b * ROWS * COLS] + 1f) * 127.5f);
    }
    return ids;
  }

  private static ImageDataset tiny(NDManager m, boolean flip) {
    return ImageDataset.of("tiny", new IdxData(Path.of("tiny-images"), new int[] {N, ROWS, COLS},
        TinyIdx.pixels(N, ROWS, COLS)), new IdxData(Path.of("tiny-labels"), new int[] {N}, TinyIdx.labels(N)), m, flip);
  }

  @Test
  void sameStepGivesTheSameBatchEvenFromAFreshInstance() {
    try (NDManager m = TestEngine.manager(0)) {
      ImageTrainingData a = new ImageTrainingData(tiny(m, false), 42);
      ImageTrainingData b = new ImageTrainingData(tiny(m, false), 42);
      for (long step : new long[] {0, 3, 4, 17, 1000}) {
        int[] first = imageIds(a.batch(m, step, 8));
        a.batch(m, step + 1, 8); // reading other steps in between changes nothing
        assertArrayEquals(first, imageIds(a.batch(m, step, 8)), "step " + step);
        assertArrayEquals(first, imageIds(b.batch(m, step, 8)), "fresh instance, step " + step);
        assertArrayEquals(first, Arrays.stream(a.indices(m, step, 8).toLongArray()).mapToInt(x -> (int) x).toArray());
      }
      assertFalse(Arrays.equals(imageIds(a.batch(m, 0, 8)),
          imageIds(new ImageTrainingData(tiny(m, false), 43).batch(m, 0, 8))), "another seed, another order");
      a.close();
      b.close();
    }
  }

  @Test
  void stepsWithinAnEpochNeverRepeatAndEachEpochCoversEveryExampleOnce() {
    try (NDManager m = TestEngine.manager(0)) {
      ImageTrainingData data = new ImageTrainingData(tiny(m, false), 7);
      int size = 5; // does not divide 37, so some batches straddle two epochs
      int epochs = 4;
      int steps = (N * epochs + size - 1) / size;
      int[] stream = new int[steps * size];
      for (int s = 0; s < steps; s++) {
        System.arraycopy(imageIds(data.batch(m, s, size)), 0, stream, s * size, size);
      }
      int[] previous = null;
      for (int e = 0; e < epochs; e++) {
        int[] epoch = Arrays.copyOfRange(stream, e * N, (e + 1) * N);
        assertArrayEquals(ImageTrainingData.permutation(7, e, N), epoch, "epoch " + e + " is its permutation");
        int[] sorted = epoch.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < N; i++) {
          assertEquals(i, sorted[i], "epoch " + e + " visits every example once");
        }
        assertFalse(Arrays.equals(previous, epoch), "a fresh order each epoch");
        previous = epoch;
      }
      // Consecutive steps inside one epoch: no index twice.
      for (int s = 0; s + 1 < steps; s++) {
        long from = (long) s * size;
        long to = from + 2L * size;
        if (from / N == (to - 1) / N) {
          Set<Integer> seen = new HashSet<>();
          for (long p = from; p < to; p++) {
            assertTrue(seen.add(stream[(int) p]), "steps " + s + " and " + (s + 1) + " repeat " + stream[(int) p]);
          }
        }
      }
      assertEquals(0, data.dataEpoch(7, size));
      assertEquals(35, data.dataIndex(7, size));
      assertEquals(1, data.dataEpoch(8, size));
      assertEquals(3, data.dataIndex(8, size));
      data.close();
    }
  }

  @Test
  void batchesDoNotDependOnTheEngineSeed() {
    int[] first;
    try (NDManager m = TestEngine.manager(1)) {
      first = imageIds(new ImageTrainingData(tiny(m, true), 5).batch(m, 9, 16));
    }
    try (NDManager m = TestEngine.manager(2)) {
      m.randomUniform(0f, 1f, new Shape(100)); // move the engine generator along too
      ImageTrainingData data = new ImageTrainingData(tiny(m, true), 5);
      assertArrayEquals(first, imageIds(data.batch(m, 9, 16)));
      ScoreflowEngine.seed(12345);
      assertArrayEquals(first, imageIds(data.batch(m, 9, 16)));
    }
  }

  @Test
  void batchesMatchTheImagesAndLabelsAtTheirIndices() {
    try (NDManager m = TestEngine.manager(0)) {
      ImageDataset d = tiny(m, false);
      ImageTrainingData data = new ImageTrainingData(d, 3);
      long[] idx = data.indices(m, 6, 9).toLongArray(); // straddles epochs 1 and 2
      float[] batch = data.batch(m, 6, 9).toFloatArray();
      float[] all = d.images().toFloatArray();
      int per = ROWS * COLS;
      for (int b = 0; b < idx.length; b++) {
        assertArrayEquals(Arrays.copyOfRange(all, (int) idx[b] * per, (int) idx[b] * per + per),
            Arrays.copyOfRange(batch, b * per, b * per + per), "row " + b);
      }
      long[] labels = data.labels(m, 6, 9).toLongArray();
      for (int b = 0; b < idx.length; b++) {
        assertEquals(idx[b] % 10, labels[b]);
      }
      assertEquals(new Shape(1, ROWS, COLS), data.exampleShape());
      data.close();
    }
  }

  @Test
  void batchesLargerThanTheSetSpanSeveralEpochs() {
    try (NDManager m = TestEngine.manager(0)) {
      ImageTrainingData data = new ImageTrainingData(tiny(m, false), 11);
      int[] ids = imageIds(data.batch(m, 1, 100)); // positions 100..199: epochs 2 to 5
      int[] expected = new int[100];
      for (int i = 0; i < 100; i++) {
        int p = 100 + i;
        expected[i] = ImageTrainingData.permutation(11, p / N, N)[p % N];
      }
      assertArrayEquals(expected, ids);
      data.close();
    }
  }

  @Test
  void cachedOrdersSurviveTheTrainersPerStepScope() {
    try (NDManager m = TestEngine.manager(0)) {
      ImageTrainingData data = new ImageTrainingData(tiny(m, false), 1);
      int[][] seen = new int[12][];
      for (int s = 0; s < 12; s++) {
        try (NDScope scope = new NDScope()) {
          seen[s] = imageIds(data.batch(m, s, 6));
        }
      }
      for (int s = 0; s < 12; s++) {
        assertArrayEquals(seen[s], imageIds(data.batch(m, s, 6)), "step " + s);
      }
      data.close();
    }
  }

  @Test
  void flipsAreOffByDefaultAndDeterministicWhenOn() {
    try (NDManager m = TestEngine.manager(0)) {
      ImageDataset plain = tiny(m, false);
      ImageTrainingData off = new ImageTrainingData(plain, 4);
      float[] all = plain.images().toFloatArray();
      float[] batch = off.batch(m, 2, 20).toFloatArray();
      long[] idx = off.indices(m, 2, 20).toLongArray();
      int per = ROWS * COLS;
      for (int b = 0; b < 20; b++) {
        assertArrayEquals(Arrays.copyOfRange(all, (int) idx[b] * per, (int) idx[b] * per + per),
            Arrays.copyOfRange(batch, b * per, b * per + per), "no flip when off");
      }
      ImageTrainingData on = new ImageTrainingData(tiny(m, true), 4);
      float[] flipped = on.batch(m, 2, 20).toFloatArray();
      assertArrayEquals(flipped, on.batch(m, 2, 20).toFloatArray());
      int mirrored = 0;
      for (int b = 0; b < 20; b++) {
        boolean same = true;
        boolean mirror = true;
        for (int r = 0; r < ROWS; r++) {
          for (int c = 0; c < COLS; c++) {
            float got = flipped[b * per + r * COLS + c];
            same &= got == all[(int) idx[b] * per + r * COLS + c];
            mirror &= got == all[(int) idx[b] * per + r * COLS + (COLS - 1 - c)];
          }
        }
        assertTrue(same || mirror, "row " + b + " is its image, plain or mirrored");
        mirrored += mirror ? 1 : 0;
      }
      assertTrue(mirrored > 0 && mirrored < 20, "some but not all mirrored: " + mirrored);
      off.close();
      on.close();
    }
  }

  @Test
  void labelledBatchesAreTheBatchesWithTheirImagesLabels() {
    try (NDManager m = TestEngine.manager(0)) {
      ImageTrainingData data = new ImageTrainingData(tiny(m, false), 9);
      assertEquals(ImageSet.numberedClasses(10), data.classNames());
      assertEquals(new Shape(1, ROWS, COLS), data.spec().exampleShape());
      assertTrue(data.spec().isImages());
      for (long step : new long[] {0, 2, 5}) { // 37 images, batches of 16: step 2 straddles
        TrainingData.Batch b = data.labelledBatch(m, step, 16);
        assertEquals(ai.djl.ndarray.types.DataType.INT32, b.labels().getDataType());
        assertEquals(b.x0().getDevice(), b.labels().getDevice());
        int[] ids = imageIds(b.x0());
        int[] labels = b.labels().toIntArray();
        for (int i = 0; i < ids.length; i++) {
          assertEquals(ids[i] % 10, labels[i], "row " + i + " holds image " + ids[i]);
        }
        assertArrayEquals(data.batch(m, step, 16).toFloatArray(), b.x0().toFloatArray(),
            "the same images as batch()");
      }
      data.close();
    }
  }

  @Test
  void anRgbFolderGivesLabelledColourBatchesWithFlips() throws IOException {
    int w = 6;
    int h = 10; // JDK's GIF codec round trip garbles interlaced pictures only a few rows high
    Path pics = dir.resolve("pics");
    String[] files = {"b/x.png", "a/y.bmp", "a/z.gif"}; // class a is 0, class b is 1
    for (int k = 0; k < 3; k++) {
      TinyPictures.write(pics.resolve(files[k]), files[k].substring(files[k].length() - 3),
          TinyPictures.colourPixels(w, h, k), 3, w, h);
    }
    int[] labelOfPicture = {1, 0, 0};
    TestEngine.manager(0).close();
    TrainConfig config = new TrainConfig();
    config.data = "folder:" + pics;
    config.randomFlip = true;
    try (ImageTrainingData data = (ImageTrainingData) TrainingDataFactory.create(config, TestEngine.device());
        NDManager m = TestEngine.manager(1)) {
      assertEquals("images 3x10x6, 2 classes", data.spec().toString());
      assertEquals(java.util.List.of("a", "b"), data.classNames());
      TrainingData.Batch b = data.labelledBatch(m, 0, 30);
      assertEquals(new Shape(30, 3, h, w), b.x0().getShape());
      float[] v = b.x0().toFloatArray();
      int[] labels = b.labels().toIntArray();
      int mirrored = 0;
      for (int r = 0; r < 30; r++) {
        int found = -1;
        boolean flipped = false;
        for (int k = 0; k < 3 && found < 0; k++) {
          byte[] want = TinyPictures.colourPixels(w, h, k);
          for (boolean mirror : new boolean[] {false, true}) {
            boolean same = true;
            for (int c = 0; c < 3; c++) {
              for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                  int got = Math.round((v[((r * 3 + c) * h + y) * w + x] + 1f) * 127.5f);
                  same &= got == (want[(c * h + y) * w + (mirror ? w - 1 - x : x)] & 0xff);
                }
              }
            }
            if (same && found < 0) {
              found = k;
              flipped = mirror;
            }
          }
        }
        assertTrue(found >= 0, "row " + r + " is one of the pictures, plain or mirrored");
        assertEquals(labelOfPicture[found], labels[r], "label of row " + r);
        mirrored += flipped ? 1 : 0;
      }
      assertTrue(mirrored > 0 && mirrored < 30, "some rows mirrored: " + mirrored);
    }
  }

  @Test
  void factoryBuildsImageDataFromAnIdxFolder() throws IOException {
    TinyIdx.writePair(dir, "t10k", 10, 28, 28, true);
    TestEngine.manager(0).close();
    TrainConfig config = new TrainConfig();
    config.data = "idx:" + dir;
    TrainingData data = TrainingDataFactory.create(config, TestEngine.device());
    ImageTrainingData images = assertInstanceOf(ImageTrainingData.class, data);
    assertEquals(new Shape(1, 28, 28), data.exampleShape());
    assertTrue(data.describe().startsWith("idx:" + dir), data.describe());
    images.close();

    config.data = "mnist";
    config.dataDir = dir.resolve("nowhere").toString();
    String m = assertThrows(MissingDataException.class, () -> TrainingDataFactory.create(config, TestEngine.device()))
        .getMessage();
    assertTrue(m.contains("get-datasets.sh") && m.contains(dir.resolve("nowhere").resolve("mnist").toString()), m);

    config.data = "gmm8";
    assertInstanceOf(ToyTrainingData.class, TrainingDataFactory.create(config, TestEngine.device()));
    config.data = "mnst";
    String u = assertThrows(IllegalArgumentException.class, () -> TrainingDataFactory.create(config, TestEngine.device()))
        .getMessage();
    assertTrue(u.contains("'mnst'") && u.contains("mnist") && u.contains("gmm8"), u);
  }

  /**
   * A batch's indices stay right after the epoch order they were sliced from has left the cache
   * and the garbage collector has run (docs/djl.md, trap 7). On the CPU an order made from a Java
   * array lives in a direct buffer that a slice does not keep alive; later orders of the same
   * size then reuse the freed memory, and the slice reads their numbers.
   */
  @Test
  void indicesSurviveTheirEpochOrderLeavingTheCache() throws InterruptedException {
    try (NDManager m = TestEngine.manager(0)) {
      ImageTrainingData data = new ImageTrainingData(tiny(m, false), 7);
      NDArray first = data.indices(m, 0, N); // all of epoch 0: a slice of its cached order
      long[] expected = Arrays.stream(ImageTrainingData.permutation(7, 0, N)).asLongStream().toArray();
      for (int round = 0; round < 20; round++) {
        System.gc();
        Thread.sleep(20);
        for (long step = 1 + 100L * round; step <= 100L * (round + 1); step++) {
          data.indices(m, step, N).close(); // epoch `step`: evicts the older orders
        }
      }
      assertArrayEquals(expected, first.toLongArray());
    }
  }
}
