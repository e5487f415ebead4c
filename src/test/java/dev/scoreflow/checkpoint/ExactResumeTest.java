package dev.scoreflow.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.TestEngine;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.train.RunFolder;
import dev.scoreflow.spec.TrainConfig;
import dev.scoreflow.train.Trainer;
import dev.scoreflow.train.TrainingListener;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 2N steps in one go equal N steps, a stop, a resume and N more: bit for bit (CPU, seeded). */
class ExactResumeTest {
  @TempDir Path tmp;

  static TrainConfig config() {
    TrainConfig c = new TrainConfig();
    c.data = "gmm8";
    c.width = 48;
    c.batch = 128;
    c.steps = 240;
    c.warmup = 30;
    c.lrSchedule = "cosine";
    c.weightDecay = 1e-4;
    c.seed = 7;
    c.logEvery = 10;
    return c;
  }

  static void assertSameArrays(ParameterStore a, ParameterStore b, String what) {
    assertEquals(a.asMap().keySet(), b.asMap().keySet());
    for (Map.Entry<String, NDArray> e : a.asMap().entrySet()) {
      assertArrayEquals(e.getValue().toFloatArray(), b.get(e.getKey()).toFloatArray(),
          what + " " + e.getKey() + " differs");
    }
  }

  @Test
  void interruptedAndResumedRunEqualsUninterruptedRun() throws Exception {
    TestEngine.assumeCpuOnly("a resumed run equals an uninterrupted one bit for bit");
    try (NDManager m = TestEngine.manager(0)) {
      RunFolder straight = new RunFolder(tmp.resolve("straight"));
      RunFolder split = new RunFolder(tmp.resolve("split"));
      try (Trainer a = Trainer.start(config(), straight, TestEngine.device())) {
        a.run(TrainingListener.NONE, () -> false);
        try (Trainer b = Trainer.start(config(), split, TestEngine.device())) {
          b.run(TrainingListener.NONE, () -> b.step() >= 110); // as if Ctrl-C at step 110
          assertEquals(110, b.step());
        }
        // Rerunning the same command with --resume finishes the same run.
        try (Trainer c = Trainer.resume(split, null, config(), Set.of("steps"), TestEngine.device())) {
          assertEquals(110, c.step());
          c.run(TrainingListener.NONE, () -> false);
          assertEquals(240, c.step());
          assertSameArrays(a.parameters(), c.parameters(), "weights");
          assertSameArrays(a.emaWeights(), c.emaWeights(), "EMA");
          assertSameArrays(a.optimizer().firstMoments(), c.optimizer().firstMoments(), "Adam m");
          assertSameArrays(a.optimizer().secondMoments(), c.optimizer().secondMoments(), "Adam v");
          assertEquals(a.optimizer().stepCount(), c.optimizer().stepCount());
        }
      }
    }
  }

  /** The same on UNet-S with image batches (epoch permutations) and a few steps. */
  @Test
  void unetResumeIsExactToo() throws Exception {
    TestEngine.assumeCpuOnly("a resumed UNet-S run equals an uninterrupted one bit for bit");
    Path fixture = Path.of(ExactResumeTest.class.getResource("/mnist-300").toURI());
    TrainConfig c = TrainConfig.defaultsFor("idx:" + fixture);
    c.steps = 6;
    c.batch = 64; // 300 images: the run crosses an epoch boundary
    c.warmup = 2;
    c.logEvery = 1;
    c.sampleEvery = 0;
    c.checkpointEvery = 0;
    c.seed = 9;
    try (NDManager m = TestEngine.manager(0);
        Trainer a = Trainer.start(c, new RunFolder(tmp.resolve("u1")), TestEngine.device())) {
      a.run(TrainingListener.NONE, () -> false);
      RunFolder split = new RunFolder(tmp.resolve("u2"));
      try (Trainer b = Trainer.start(c, split, TestEngine.device())) {
        b.run(TrainingListener.NONE, () -> b.step() >= 4);
      }
      try (Trainer r = Trainer.resume(split, null, c, Set.of(), TestEngine.device())) {
        assertEquals(4, r.step());
        r.run(TrainingListener.NONE, () -> false);
        assertSameArrays(a.parameters(), r.parameters(), "UNet weights");
        assertSameArrays(a.emaWeights(), r.emaWeights(), "UNet EMA");
        assertSameArrays(a.optimizer().secondMoments(), r.optimizer().secondMoments(), "UNet Adam v");
      }
    }
  }

  @Test
  void weightsAndEmaAreSavedSeparately() throws Exception {
    try (NDManager m = TestEngine.manager(0);
        Trainer t = Trainer.start(config(), new RunFolder(tmp.resolve("r")), TestEngine.device())) {
      t.run(TrainingListener.NONE, () -> t.step() >= 50);
      Path folder = new CheckpointStore(tmp.resolve("r/checkpoints")).newestValid();
      try (ParameterStore w = CheckpointStore.readArrays(folder.resolve(CheckpointStore.MODEL), t.parameters(), m);
          ParameterStore e = CheckpointStore.readArrays(folder.resolve(CheckpointStore.EMA), t.parameters(), m)) {
        assertSameArrays(t.parameters(), w, "saved weights");
        assertSameArrays(t.emaWeights(), e, "saved EMA");
        // and they differ from each other (EMA is not the weights swapped in)
        float[] a = w.get("out.w").toFloatArray();
        float[] b = e.get("out.w").toFloatArray();
        boolean differ = false;
        for (int i = 0; i < a.length; i++) {
          differ |= a[i] != b[i];
        }
        assertEquals(true, differ);
      }
      // state.json says where the run computed, so a resume elsewhere can warn
      CheckpointState state = CheckpointStore.readState(folder);
      assertEquals(ScoreflowEngine.deviceKind(TestEngine.device()), state.deviceKind);
      assertEquals(TestEngine.device().toString(), state.device);
      assertEquals(ScoreflowEngine.nativeFlavor(), state.natives);
    }
  }
}
