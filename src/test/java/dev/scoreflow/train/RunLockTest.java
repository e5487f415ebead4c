package dev.scoreflow.train;

import dev.scoreflow.spec.TrainConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.TestEngine;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run folder takes one trainer at a time; the lock goes when the trainer closes. */
class RunLockTest {
  @TempDir Path tmp;

  @Test
  void secondTrainerOnTheSameFolderIsRefusedUntilTheFirstCloses() throws Exception {
    try (NDManager m = TestEngine.manager(0)) {
      TrainConfig c = new TrainConfig();
      c.data = "gmm8";
      c.width = 16;
      c.batch = 32;
      c.steps = 20;
      c.checkpointEvery = 10;
      RunFolder run = new RunFolder(tmp.resolve("run"));
      try (Trainer first = Trainer.start(c, run, TestEngine.device())) {
        first.run(TrainingListener.NONE, () -> false);
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
            () -> Trainer.resume(run, null, c, Set.of(), TestEngine.device()));
        assertTrue(again.getMessage().contains(".lock"), again.getMessage());
        assertTrue(again.getMessage().contains("--out " + run.root()), again.getMessage());
        IllegalArgumentException fresh = assertThrows(IllegalArgumentException.class,
            () -> Trainer.start(c, new RunFolder(run.root()), TestEngine.device()));
        assertTrue(fresh.getMessage().contains("in use"), fresh.getMessage());
      }
      TrainConfig more = c.copy();
      more.steps = 30;
      try (Trainer resumed = Trainer.resume(run, null, more, Set.of("steps"), TestEngine.device())) {
        assertEquals(20, resumed.step());
        resumed.run(TrainingListener.NONE, () -> false);
        assertEquals(30, resumed.step());
      }
    }
  }
}
