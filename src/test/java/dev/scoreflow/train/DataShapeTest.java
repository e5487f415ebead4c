package dev.scoreflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.data.IdxWriter;
import dev.scoreflow.spec.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model is made for one data shape: resuming it on data of another shape (32x32 images into a
 * 28x28 checkpoint) is a one-line error naming both shapes; the model flags, int arrays, compare
 * by value on resume.
 */
class DataShapeTest {
  @TempDir Path tmp;

  static void writeIdx(Path dir, int n, int rows, int cols) throws Exception {
    byte[] pixels = new byte[n * rows * cols];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) ((i * 37) & 0xff);
    }
    IdxWriter.writeImages(dir.resolve("train-images-idx3-ubyte"), pixels, n, rows, cols);
    IdxWriter.writeLabels(dir.resolve("train-labels-idx1-ubyte"), new byte[n]);
  }

  @Test
  void resumingOnDataOfAnotherShapeNamesBothShapes() throws Exception {
    Path data = tmp.resolve("digits");
    java.nio.file.Files.createDirectories(data);
    writeIdx(data, 8, 28, 28);
    TrainConfig c = TrainConfig.defaultsFor("idx:" + data);
    c.steps = 1;
    c.batch = 2;
    c.checkpointEvery = 0;
    c.sampleEvery = 0;
    RunFolder run = new RunFolder(tmp.resolve("run"));
    try (Trainer t = Trainer.start(c, run, TestEngine.device())) {
      t.run(TrainingListener.NONE, () -> false);
    }
    // The same folder now holds 32x32 images.
    writeIdx(data, 8, 32, 32);
    TrainConfig again = TrainConfig.defaultsFor("idx:" + data);
    again.steps = 2;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.resume(run, null, again, Set.of("steps"), TestEngine.device()).close());
    String msg = e.getMessage();
    assertTrue(msg.contains("1x28x28") && msg.contains("1x32x32") && msg.startsWith("--resume"),
        msg);
    assertEquals(1, msg.lines().count());
  }

  @Test
  void aLoadedModelRefusesDataOfAnotherShape() throws Exception {
    TrainConfig c = TrainConfig.defaultsFor("mnist");
    c.architecture = "unet";
    c.modelChannels = 8;
    c.dataShape = new long[] {1, 8, 8};
    Path dir = tmp.resolve("model");
    try (ai.djl.ndarray.NDManager m = TestEngine.manager(0);
        dev.scoreflow.model.ParameterStore w =
            dev.scoreflow.model.Networks.create(c, m).initParameters(m)) {
      dev.scoreflow.checkpoint.LoadedModel.export(c, w, dir);
      try (dev.scoreflow.checkpoint.LoadedModel model =
          dev.scoreflow.checkpoint.LoadedModel.fromModelDir(dir, m)) {
        assertEquals(new Shape(1, 8, 8), model.network().dataShape());
        model.requireDataShape(new Shape(1, 8, 8), "--data x");
        RuntimeException e = assertThrows(dev.scoreflow.checkpoint.CheckpointException.class,
            () -> model.requireDataShape(new Shape(3, 32, 32), "--data cifar10"));
        assertTrue(e.getMessage().startsWith("--data cifar10") && e.getMessage().contains("1x8x8")
            && e.getMessage().contains("3x32x32"), e.getMessage());
      }
    }
  }

  @Test
  void mergeComparesShapesAndModelFlagsByValue() {
    TrainConfig saved = TrainConfig.defaultsFor("mnist");
    saved.architecture = "unet";
    saved.channelMult = new int[] {1, 2, 2};
    saved.dataShape = new long[] {3, 32, 32};
    TrainConfig requested = saved.copy(); // a fresh array of the same values
    List<String> changes = new ArrayList<>();
    ResumeConfig.merge(saved, requested, Set.of("channelMult", "architecture"), changes);
    assertTrue(changes.isEmpty(), changes.toString());

    requested.channelMult = new int[] {1, 2};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ResumeConfig.merge(saved, requested, Set.of("channelMult"), new ArrayList<>()));
    assertTrue(e.getMessage().contains("channelMult (checkpoint has [1,2,2], flag asks for [1,2])"),
        e.getMessage());

    TrainConfig other = saved.copy();
    other.dataShape = new long[] {1, 28, 28};
    e = assertThrows(IllegalArgumentException.class,
        () -> ResumeConfig.merge(saved, other, Set.of(), new ArrayList<>()));
    assertTrue(e.getMessage().contains("3x32x32") && e.getMessage().contains("1x28x28"),
        e.getMessage());
    // A checkpoint from before shapes were recorded: an image run means 1x28x28.
    TrainConfig legacy = TrainConfig.defaultsFor("mnist");
    ResumeConfig.requireDataShape(legacy, new Shape(1, 28, 28));
    e = assertThrows(IllegalArgumentException.class,
        () -> ResumeConfig.requireDataShape(legacy, new Shape(3, 32, 32)));
    assertTrue(e.getMessage().contains("1x28x28") && e.getMessage().contains("3x32x32"));
  }
}
