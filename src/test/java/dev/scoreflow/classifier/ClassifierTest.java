package dev.scoreflow.classifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.checkpoint.CheckpointException;
import dev.scoreflow.data.ImageDataset;
import dev.scoreflow.eval.ImageQuality;
import dev.scoreflow.model.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LeNet learns the 300 real digits of the test fixture, its folder round-trips and guards itself,
 * and FID-LeNet ranks real digits far above noise (held-out images score exactly the floor).
 */
class ClassifierTest {
  @TempDir Path tmp;

  static String fixtureData() throws Exception {
    return "idx:" + Path.of(ClassifierTest.class.getResource("/mnist-300").toURI());
  }

  @Test
  void parameterCountIsLeNet5s() {
    try (NDManager m = TestEngine.manager(0); ParameterStore p = new LeNet().initParameters(m)) {
      assertEquals(61_706, p.parameterCount());
      NDArray x = m.randomUniform(-1, 1, new Shape(3, 1, 28, 28));
      LeNet net = new LeNet();
      assertEquals(new Shape(3, LeNet.FEATURES), net.features(p, x).getShape());
      assertEquals(new Shape(3, LeNet.CLASSES), net.logits(p, x).getShape());
    }
  }

  @Test
  void holdoutSplitIsADisjointSeededPartition() throws Exception {
    ClassifierSplit a = ClassifierSplit.load(fixtureData(), null, 60, 5);
    ClassifierSplit b = ClassifierSplit.load(fixtureData(), null, 60, 5);
    ClassifierSplit c = ClassifierSplit.load(fixtureData(), null, 60, 6);
    assertEquals(ClassifierSplit.HOLDOUT, a.kind());
    assertEquals(240, a.train().size());
    assertEquals(60, a.test().size());
    assertArrayEquals(a.test().images().payload(), b.test().images().payload());
    assertNotEquals(java.util.Arrays.hashCode(a.test().images().payload()),
        java.util.Arrays.hashCode(c.test().images().payload()));
    int[] order = ClassifierSplit.shuffled(300, 5);
    Set<Integer> seen = new HashSet<>();
    for (int i : order) {
      seen.add(i);
    }
    assertEquals(300, seen.size(), "a permutation");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClassifierSplit.load(fixtureData(), null, 300, 5));
    assertTrue(e.getMessage().contains("--holdout"), e.getMessage());
  }

  @Test
  void learnsRealDigitsAndItsFolderRoundTrips() throws Exception {
    ClassifierSplit split = ClassifierSplit.load(fixtureData(), null, 60, 0);
    ClassifierInfo info = new ClassifierInfo();
    info.data = fixtureData();
    info.split = split.kind();
    info.holdout = 60;
    Path folder = tmp.resolve("lenet");
    try (NDManager m = TestEngine.manager(1);
        ImageDataset test = ImageDataset.of("test", split.test().images(), split.test().labels(), m, false)) {
      double untrained;
      try (ParameterStore p = new LeNet().initParameters(m)) {
        untrained = new Classifier(info, p).accuracy(test.images(), test.labels());
      }
      try (Classifier c = ClassifierTraining.train(split, info,
          new ClassifierTraining.Settings(300, 64, 2e-3, 0), m, step -> { })) {
        System.out.printf("LeNet on 240 digits: held-out accuracy %.3f (untrained %.3f), loss %.4f%n",
            info.testAccuracy, untrained, info.finalLoss);
        assertTrue(untrained < 0.3, "untrained accuracy " + untrained);
        assertTrue(info.testAccuracy > 0.7, "held-out accuracy " + info.testAccuracy);
        c.save(folder);
      }
      try (Classifier back = Classifier.load(folder, m)) {
        assertEquals(info.testAccuracy, back.info().testAccuracy);
        assertEquals(info.testAccuracy, back.accuracy(test.images(), test.labels()), 1e-9);

        // FID-LeNet: the held-out images themselves score exactly the floor; noise far above it.
        ImageQuality.Result real = ImageQuality.measure(back, test.images(), split, 3);
        assertEquals(1.0, real.ratio(), 1e-6);
        assertArrayEquals(real.dataClassShares(), real.classShares(), 1e-9);
        NDArray noise = m.randomUniform(-1, 1, new Shape(60, 1, 28, 28));
        ImageQuality.Result bad = ImageQuality.measure(back, noise, split, 3);
        System.out.printf("FID-LeNet: floor %.2f, uniform noise %.2f%n", bad.floor(), bad.fid());
        assertTrue(bad.ratio() > 5, "noise should be far from digits: " + bad.ratio());
        double sum = 0;
        for (double s : bad.classShares()) {
          sum += s;
        }
        assertEquals(1.0, sum, 1e-6);
        assertThrows(IllegalArgumentException.class,
            () -> ImageQuality.measure(back, m.zeros(new Shape(61, 1, 28, 28)), split, 3));
      }
    }
    // A flipped byte in the weights is caught by the manifest and named.
    Path weights = folder.resolve(Classifier.WEIGHTS);
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length / 2] ^= 0x20;
    Files.write(weights, bytes);
    try (NDManager m = TestEngine.manager(1)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> Classifier.load(folder, m));
      assertTrue(e.getMessage().contains(Classifier.WEIGHTS), e.getMessage());
    }
  }
}
