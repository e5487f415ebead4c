package dev.scoreflow.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.data.ImageDataset;
import dev.scoreflow.data.ImageSource;
import dev.scoreflow.sample.DdimSampler;
import dev.scoreflow.sample.TimeGrid;
import dev.scoreflow.classifier.Classifier;
import dev.scoreflow.cli.CliRunner;
import dev.scoreflow.io.NpyReader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UNet-S shipped in models/ loads on a fresh clone (no data needed) and draws digits whose
 * pixel statistics match real ones (mean intensity, share of near-black background) and that the
 * shipped LeNet reads as many different digits; the shipped LeNet itself loads and classifies.
 */
class ShippedModelTest {
  static final Path MODEL = Path.of("models", "mnist-unet-s");
  static final Path CLASSIFIER = Path.of("models", "lenet-mnist");
  static final Path CONDITIONAL = Path.of("models", "mnist-cond");
  static final Path FASHION = Path.of("models", "fashion-mnist-cond");
  static final Path FASHION_CLASSIFIER = Path.of("models", "lenet-fashion-mnist");

  @TempDir Path tmp;

  static double[] stats(NDArray images) {
    double mean = images.mean().getFloat();
    double background = images.lt(-0.9f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
        .mean().getFloat();
    double ink = images.gt(0.5f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
        .mean().getFloat();
    return new double[] {mean, background, ink};
  }

  /** The 300 real MNIST digits (with labels) that ship as a test resource. */
  static ImageDataset fixtureDigits() throws Exception {
    Path fixture = Path.of(ShippedModelTest.class.getResource("/mnist-300").toURI());
    return ImageDataset.load(ImageSource.resolve("idx:" + fixture, null), TestEngine.device(), false);
  }

  @Test
  void shippedModelDrawsDigitLikeImages() throws Exception {
    try (NDManager m = TestEngine.manager(3);
        LoadedModel model = LoadedModel.fromModelDir(MODEL, m);
        ImageDataset real = fixtureDigits()) {
      assertEquals("unet-s", model.network().architecture());
      NDArray x1 = model.process().samplePrior(m, new Shape(64, 1, 28, 28));
      NDArray x0 = new DdimSampler(50, 0.0, TimeGrid.Spacing.UNIFORM)
          .sample(model.denoiser(), x1, model.config().tMin);
      double[] s = stats(x0.clip(-1, 1));
      double[] d = stats(real.images());
      System.out.printf("samples: mean %.3f background %.3f ink %.3f; data: mean %.3f background %.3f ink %.3f%n",
          s[0], s[1], s[2], d[0], d[1], d[2]);
      assertEquals(d[0], s[0], 0.08, "mean pixel value");
      assertEquals(d[1], s[1], 0.08, "share of near-black background");
      assertEquals(d[2], s[2], 0.05, "share of bright ink");
      // and pure noise would fail these checks
      double[] noise = stats(m.randomNormal(new Shape(64, 1, 28, 28)).clip(-1, 1));
      assertTrue(Math.abs(noise[1] - d[1]) > 0.08);

      // The shipped LeNet reads the 64 samples as digits of many classes, not one or two.
      try (Classifier lenet = Classifier.load(CLASSIFIER, m)) {
        NDArray classes = lenet.featuresAndClasses(x0, m).get(1);
        Set<Long> seen = new HashSet<>();
        for (long c : classes.toLongArray()) {
          seen.add(c);
        }
        System.out.println("classes LeNet reads in the 64 samples: " + seen);
        assertTrue(seen.size() >= 8, "classes drawn: " + seen);
      }
    }
  }

  @Test
  void shippedClassifierReadsRealDigits() throws Exception {
    try (NDManager m = TestEngine.manager(3);
        Classifier lenet = Classifier.load(CLASSIFIER, m);
        ImageDataset real = fixtureDigits()) {
      assertEquals("mnist", lenet.info().data);
      assertTrue(lenet.info().testAccuracy >= 0.97, "recorded accuracy " + lenet.info().testAccuracy);
      // Most of these 300 digits are among its 8,000 training images, so this checks the
      // weights load and work; the held-out accuracy is the recorded one.
      double acc = lenet.accuracy(real.images(), real.labels());
      System.out.printf("shipped LeNet on the 300 fixture digits: %.3f%n", acc);
      assertTrue(acc >= 0.97, "accuracy " + acc);
    }
  }

  /**
   * The Fashion-MNIST LeNet loads (manifest checked) and records its held-out accuracy; no
   * Fashion-MNIST images ship with the tests, so the digits show it is a different classifier:
   * it reads them no better than a weak guess, where the digit LeNet reads 97%.
   */
  @Test
  void shippedFashionClassifierLoads() throws Exception {
    try (NDManager m = TestEngine.manager(3);
        Classifier lenet = Classifier.load(FASHION_CLASSIFIER, m);
        ImageDataset real = fixtureDigits()) {
      assertEquals("fashion-mnist", lenet.info().data);
      assertEquals(10_000, lenet.info().testImages);
      assertTrue(lenet.info().testAccuracy >= 0.85, "recorded accuracy " + lenet.info().testAccuracy);
      double acc = lenet.accuracy(real.images(), real.labels());
      System.out.printf("fashion LeNet on the 300 fixture digits: %.3f%n", acc);
      assertTrue(acc < 0.5, "a clothing classifier should not read digits: " + acc);
    }
  }

  /**
   * The shipped class-conditional model draws a class-row grid with its recommended sampling
   * (sampling.json: no sampler flag given) whose rows the shipped LeNet reads as the digits
   * asked for: 2 samples per class, at least 17 of the 20 right (the model's measured class
   * accuracy is in models/README.md; a model that ignored the label would get about 2).
   */
  @Test
  void shippedConditionalModelDrawsTheDigitsAskedFor() throws Exception {
    assertReadsTheClassesAskedFor(CONDITIONAL, CLASSIFIER, 17);
  }

  /**
   * The same for the shipped Fashion-MNIST model and its LeNet, whose own test accuracy is 0.895
   * (it confuses shirts, T-shirts, pullovers and coats on real images too): at least 14 of 20.
   */
  @Test
  void shippedFashionModelDrawsTheArticlesAskedFor() throws Exception {
    assertReadsTheClassesAskedFor(FASHION, FASHION_CLASSIFIER, 14);
  }

  /**
   * Draws a 10x2 class-row grid from {@code model} with no sampler flag and asserts that the
   * classifier reads at least {@code atLeast} of the 20 samples as the class of their row.
   */
  void assertReadsTheClassesAskedFor(Path model, Path classifier, int atLeast) throws Exception {
    RecommendedSampling rec = RecommendedSampling.readIfPresent(model);
    assertTrue(rec != null && rec.sampler != null && rec.guidance != null,
        model + " records its recommended sampler and guidance");
    Path npy = tmp.resolve("rows.npy");
    Object[] r = CliRunner.run("sample", "--model", model.toString(), "--class", "all",
        "--grid", "10x2", "--seed", "5", "--device", "cpu", "--out",
        tmp.resolve("rows.png").toString(), "--npy", npy.toString());
    assertEquals(0, r[0], (String) r[2]);
    try (NDManager m = TestEngine.manager(3);
        Classifier lenet = Classifier.load(classifier, m)) {
      NDArray x = NpyReader.read(npy, m);
      assertEquals(new Shape(20, 1, 28, 28), x.getShape());
      long[] read = lenet.featuresAndClasses(x, m).get(1).toLongArray();
      int right = 0;
      for (int i = 0; i < read.length; i++) {
        right += read[i] == i / 2 ? 1 : 0; // --grid 10x2: row k is class k
      }
      System.out.println(model + ": classes " + classifier.getFileName() + " reads in the 10x2 "
          + "class-row grid: " + java.util.Arrays.toString(read) + ", " + right + " of 20 as asked");
      assertTrue(right >= atLeast, right + " of 20 read as the class asked for");
    }
  }
}
