package dev.scoreflow.train;

import dev.scoreflow.spec.TrainConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.TestEngine;
import dev.scoreflow.plot.ImageGrid;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UNet-S on 300 real digits (a shipped fixture): the loss falls, and a preview grid appears. */
class ImageTrainingTest {
  @TempDir Path tmp;

  static Path fixture() throws Exception {
    return Path.of(ImageTrainingTest.class.getResource("/mnist-300").toURI());
  }

  /** UNet-S on the fixture: batch 32, lr 1e-3, a preview at the last step, no checkpoints. */
  static TrainConfig shortRun(int steps) throws Exception {
    TrainConfig c = TrainConfig.defaultsFor("idx:" + fixture());
    c.steps = steps;
    c.batch = 32;
    c.lr = 1e-3;
    c.warmup = 5;
    c.checkpointEvery = 0;
    c.sampleEvery = steps;
    c.seed = 4;
    return c;
  }

  @Test
  void lossFallsOnRealDigits() throws Exception {
    TrainConfig c = shortRun(40);
    c.logEvery = 5;
    RunFolder run = new RunFolder(tmp.resolve("run"));
    try (NDManager m = TestEngine.manager(0); Trainer t = Trainer.start(c, run, TestEngine.device())) {
      assertEquals("unet-s", t.network().architecture());
      t.run(TrainingListener.NONE, () -> false);
    }
    List<String> rows = Files.readAllLines(run.metrics());
    double first = Double.parseDouble(rows.get(1).split(",")[1]);
    double last = Double.parseDouble(rows.get(rows.size() - 1).split(",")[1]);
    System.out.println("UNet-S loss " + first + " -> " + last);
    assertTrue(last < 0.6 * first, "loss should fall: " + first + " -> " + last);
    Path grid = run.samples().resolve("step-000040.png");
    BufferedImage img = ImageIO.read(grid.toFile());
    // 8x8 cells of 28x28 digits drawn 3x (the grids' default for small images), 2-pixel borders.
    assertEquals(8 * 28 * 3 + 7 * ImageGrid.BORDER, img.getWidth());
    assertEquals(8 * 28 * 3 + 7 * ImageGrid.BORDER, img.getHeight());
  }

  /** A class-conditional run's preview has one row per class: ten rows of eight digits. */
  @Test
  void conditionalPreviewHasOneRowPerClass() throws Exception {
    TrainConfig c = shortRun(20);
    c.classConditional = true;
    RunFolder run = new RunFolder(tmp.resolve("cond"));
    try (Trainer t = Trainer.start(c, run, TestEngine.device())) {
      t.run(TrainingListener.NONE, () -> false);
    }
    BufferedImage img = ImageIO.read(run.samples().resolve("step-000020.png").toFile());
    assertEquals(10 * 28 * 3 + 9 * ImageGrid.BORDER, img.getHeight(), "ten class rows");
    assertTrue(img.getWidth() >= 8 * 28 * 3 + 7 * ImageGrid.BORDER, "eight columns");
  }
}
