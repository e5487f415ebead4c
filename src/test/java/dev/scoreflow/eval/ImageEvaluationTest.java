package dev.scoreflow.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.classifier.Classifier;
import dev.scoreflow.classifier.ClassifierSplit;
import dev.scoreflow.data.ImageDataset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The evaluation library on real digits, no diffusion model: the shipped LeNet with the 300
 * fixture digits split 180/120. Held-out digits with their true labels, used as "samples" asked
 * for those labels, score the classifier's accuracy and exactly the floor, overall and per class;
 * the same digits with shuffled asked-for labels score about one in ten and per-class FID-LeNet
 * well above the floors. Calibration ranks real subsets below blurred and noised digits.
 */
class ImageEvaluationTest {
  static final Path LENET = Path.of("models", "lenet-mnist");

  static ClassifierSplit fixtureSplit() throws Exception {
    return fixtureSplit(120);
  }

  static ClassifierSplit fixtureSplit(int holdout) throws Exception {
    String data = "idx:" + Path.of(ImageEvaluationTest.class.getResource("/mnist-300").toURI());
    return ClassifierSplit.load(data, null, holdout, 7);
  }

  static int[] labels(ClassifierSplit.Part part) {
    byte[] y = part.labels().payload();
    int[] out = new int[y.length];
    for (int i = 0; i < y.length; i++) {
      out[i] = y[i] & 0xFF;
    }
    return out;
  }

  @Test
  void realDigitsScoreTheFloorAndTheClassifiersAccuracyShuffledLabelsDoNot() throws Exception {
    ClassifierSplit split = fixtureSplit();
    try (NDManager m = TestEngine.manager(2);
        ImageEvaluation ev = new ImageEvaluation(Classifier.load(LENET, m), split, LENET);
        ImageDataset held = ImageDataset.of("held-out", split.test().images(),
            split.test().labels(), m, false)) {
      int[] truth = labels(split.test());
      double lenetAccuracy = ev.classifier().accuracy(held.images(), held.labels());

      ImageReport real = ev.evaluate(SampleSource.of(held.images(), "real held-out digits"), 120,
          truth, 3, m);
      ClassReport c = real.perClass();
      assertNotNull(c);
      System.out.printf("true labels: accuracy %.3f (LeNet %.3f), FID %.3f floor %.3f%n",
          c.accuracy(), lenetAccuracy, real.fid(), real.floor());
      assertEquals(lenetAccuracy, c.accuracy(), 1e-12, "class accuracy is the classifier's");
      assertTrue(c.accuracy() > 0.9, "accuracy " + c.accuracy());
      assertEquals(1.0, real.ratio(), 1e-6, "the held-out digits are the floor's images");
      assertEquals("real held-out digits", real.sampling().sampler());
      for (int k = 0; k < 10; k++) {
        assertTrue(c.counts()[k] >= 2, "class " + k + ": " + c.counts()[k]);
        assertEquals(1.0, c.ratio(k), 1e-6, "class " + k + ": its samples are its floor's images");
      }

      // The same images asked for shuffled classes: the classifier reads about one in ten as
      // the class asked for, and each class's samples are mostly other digits.
      int[] shuffled = truth.clone();
      Random random = new Random(11);
      for (int i = shuffled.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = shuffled[i];
        shuffled[i] = shuffled[j];
        shuffled[j] = t;
      }
      ClassReport s = ev.measure(held.images(), shuffled, 3).perClass();
      System.out.printf("shuffled labels: accuracy %.3f, per-class FID mean %.2f vs floor %.2f%n",
          s.accuracy(), s.meanFid(), s.meanFloor());
      System.out.println("per class FID " + Arrays.toString(s.fid()) + "\nfloors " + Arrays.toString(s.floor()));
      assertTrue(s.accuracy() < 0.25, "shuffled accuracy " + s.accuracy());
      assertTrue(s.meanFid() > 1.5 * s.meanFloor(), s.meanFid() + " vs " + s.meanFloor());
      int above = 0;
      for (int k = 0; k < 10; k++) {
        above += s.ratio(k) > 1.2 ? 1 : 0;
      }
      assertTrue(above >= 8, above + " of 10 classes above 1.2x their floor");
    }
  }

  @Test
  void flagsAndShapesAreCheckedBeforeSampling() throws Exception {
    ClassifierSplit split = fixtureSplit();
    try (NDManager m = TestEngine.manager(2);
        ImageEvaluation ev = new ImageEvaluation(Classifier.load(LENET, m), split, LENET)) {
      assertNull(ImageEvaluation.unavailable(new Shape(1, 28, 28)));
      String why = ImageEvaluation.unavailable(new Shape(3, 32, 32));
      assertTrue(why.contains("3x32x32") && why.contains("1x28x28"), why);

      int[] perClass = ev.heldOutPerClass();
      int[] tooMany = new int[perClass[4] + 1];
      Arrays.fill(tooMany, 4);
      SampleSource never = new SampleSource() {
        @Override
        public Drawn draw(int n, int[] classes, NDManager manager) {
          throw new AssertionError("sampled before the check");
        }

        @Override
        public String describe() {
          return "never";
        }
      };
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ev.evaluate(never, tooMany.length, tooMany, 0, m));
      assertTrue(e.getMessage().contains("class 4"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> ev.evaluate(never, 121, null, 0, m));
      assertTrue(e.getMessage().contains("--n 121"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> ev.evaluate(never, 3, new int[] {0, 1, 10}, 0, m));
      assertTrue(e.getMessage().contains("class 10"), e.getMessage());

      int[] balanced = ImageEvaluation.balancedClasses(25, 10);
      int[] counts = new int[10];
      for (int c : balanced) {
        counts[c]++;
      }
      for (int k = 0; k < 10; k++) {
        assertTrue(counts[k] == 2 || counts[k] == 3, Arrays.toString(counts));
      }
    }
  }

  @Test
  void calibrationPutsRealSubsetsBelowDamagedDigits() throws Exception {
    // 180 held-out digits: 3 disjoint sets of 60. At such a small n the statistic's bias (84
    // features, 60 images) is most of every number, so only large damage stands out here; the
    // README's table shows the full-size calibration.
    ClassifierSplit split = fixtureSplit(180);
    try (NDManager m = TestEngine.manager(2);
        ImageEvaluation ev = new ImageEvaluation(Classifier.load(LENET, m), split, LENET);
        ImageDataset held = ImageDataset.of("held-out", split.test().images(),
            split.test().labels(), m, false)) {
      Calibration.Report r = ev.calibrate(60, 9, 5, m);
      assertEquals(3, r.real().size(), "180 held-out images hold 3 disjoint sets of 60");
      // The first real subset is eval's floor at this n and seed.
      double floor = ev.measure(held.images().get("0:60"), null, 5).floor();
      assertEquals(floor, r.real().get(0).fid(), 1e-9 * floor);
      for (Calibration.Row row : r.real()) {
        System.out.printf("%-12s FID %8.3f  acc %.3f%n", row.name(), row.fid(), row.accuracy());
      }
      for (Calibration.Row row : r.degraded()) {
        System.out.printf("%-12s FID %8.3f  acc %.3f  %s%n", row.name(), row.fid(), row.accuracy(),
            row.note());
      }
      assertTrue(r.realMin() > 0 && r.realMax() < 2 * r.realMin(), "real spread");
      assertTrue(r.row("blur").fid() > 1.5 * r.realMax(), "blur far above every real subset");
      assertTrue(r.row("classes 0-4").fid() > 1.5 * r.realMax(), "half the classes");
      // Noise is added to the first subset's images: against those same images it must raise
      // the distance, more for more noise.
      double real1 = r.real().get(0).fid();
      assertTrue(r.row("noise 0.1").fid() > real1, "sigma 0.1 above the same clean images");
      assertTrue(r.row("noise 0.3").fid() > r.row("noise 0.1").fid(), "more noise, larger FID");
      assertTrue(r.real().get(0).accuracy() > 0.9 && r.row("classes 0-4").accuracy() > 0.9);
      assertThrows(IllegalArgumentException.class, () -> ev.calibrate(100, 5, 5, m),
          "180 held-out images do not hold two sets of 100");
    }
  }

  @Test
  void blurIsTheMeanOfTheInImageNeighbourhood() {
    float[] x = new float[25];
    x[12] = 9; // centre of a 5x5 image
    Calibration.blur3x3(x, new int[] {1, 1, 5, 5});
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        float want = Math.abs(i - 2) <= 1 && Math.abs(j - 2) <= 1 ? 1 : 0;
        assertEquals(want, x[i * 5 + j], 1e-6, i + "," + j);
      }
    }
    float[] corner = new float[25];
    Arrays.fill(corner, 0.5f);
    corner[0] = 4.5f;
    Calibration.blur3x3(corner, new int[] {1, 1, 5, 5});
    assertEquals((4.5f + 3 * 0.5f) / 4, corner[0], 1e-6, "a corner averages its 4 in-image pixels");
    assertEquals(0.5f, corner[24], 1e-6);
  }
}
