package dev.scoreflow.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scoreflow.TestEngine;
import dev.scoreflow.spec.TrainConfig;
import dev.scoreflow.train.RunFolder;
import dev.scoreflow.train.Trainer;
import dev.scoreflow.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint write that fails (a full disk, simulated by a hook that throws what the kernel
 * says) names the checkpoint and the intact last good one, and leaves no temporary folder;
 * folders left by earlier failed or interrupted writes go at the next start.
 */
class CheckpointWriteFailureTest {
  @TempDir Path tmp;

  static TrainConfig config(long steps) {
    TrainConfig c = new TrainConfig();
    c.data = "gmm8";
    c.width = 16;
    c.batch = 32;
    c.steps = steps;
    c.checkpointEvery = 10;
    c.keep = 0;
    return c;
  }

  @AfterEach
  void noHook() {
    CheckpointStore.writeHook = null;
  }

  static long leftovers(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".")).count();
    }
  }

  @Test
  void fullDiskNamesTheCheckpointAndTheLastGoodOne() throws Exception {
    RunFolder run = new RunFolder(tmp.resolve("run"));
    CheckpointStore store = run.checkpoints();
    String failing = CheckpointStore.folderName(20);
    CheckpointStore.writeHook = file -> {
      // Fail half-way through the second checkpoint: after its weights, at its state file.
      if (file.toString().contains(failing) && file.endsWith(CheckpointStore.STATE)) {
        throw new IOException("No space left on device");
      }
    };
    try (Trainer t = Trainer.start(config(30), run, TestEngine.device())) {
      CheckpointException e = assertThrows(CheckpointException.class,
          () -> t.run(TrainingListener.NONE, () -> false));
      String m = e.getMessage();
      assertTrue(m.contains(store.dir().resolve(failing).toString()), m);
      assertTrue(m.contains("No space left on device"), m);
      assertTrue(m.contains(store.dir().resolve(CheckpointStore.folderName(10)) + ", is intact"), m);
      assertEquals(1, m.lines().count(), m);
    }
    assertEquals(0, leftovers(store.dir()), "the failed write's temporary folder must go");
    assertEquals(store.dir().resolve(CheckpointStore.folderName(10)), store.newestValid());

    // A failure before any checkpoint exists says so.
    RunFolder fresh = new RunFolder(tmp.resolve("fresh"));
    CheckpointStore.writeHook = file -> {
      if (file.toString().contains(".tmp-step-")) {
        throw new IOException("No space left on device");
      }
    };
    try (Trainer t = Trainer.start(config(10), fresh, TestEngine.device())) {
      CheckpointException e = assertThrows(CheckpointException.class,
          () -> t.run(TrainingListener.NONE, () -> false));
      assertTrue(e.getMessage().contains("no earlier checkpoint"), e.getMessage());
    }
    assertEquals(0, leftovers(fresh.checkpoints().dir()));
  }

  @Test
  void leftoversOfEarlierWritesGoAtTheNextStart() throws Exception {
    RunFolder run = new RunFolder(tmp.resolve("run"));
    CheckpointStore store = run.checkpoints();
    try (Trainer t = Trainer.start(config(20), run, TestEngine.device())) {
      t.run(TrainingListener.NONE, () -> false);
    }
    // What a process killed mid-write (or a write whose clean-up failed) leaves behind.
    Path stale = store.dir().resolve(".tmp-" + CheckpointStore.folderName(30));
    Files.createDirectories(stale);
    Files.write(stale.resolve(CheckpointStore.MODEL), new byte[100]);
    // Killed between the two renames of a rewrite: the .old- folder is then the only copy.
    Path ten = store.dir().resolve(CheckpointStore.folderName(10));
    Path oldTen = store.dir().resolve(".old-" + CheckpointStore.folderName(10));
    Files.move(ten, oldTen);
    // A rewrite whose last step (removing the replaced copy) did not happen.
    Path twenty = store.dir().resolve(CheckpointStore.folderName(20));
    Path oldTwenty = store.dir().resolve(".old-" + CheckpointStore.folderName(20));
    Files.createDirectories(oldTwenty);
    assertEquals(3, leftovers(store.dir()));

    try (Trainer t = Trainer.resume(run, null, config(20), Set.of(), TestEngine.device())) {
      assertEquals(20, t.step());
    }
    assertFalse(Files.exists(stale));
    assertFalse(Files.exists(oldTwenty));
    assertTrue(Files.isDirectory(twenty));
    assertFalse(Files.exists(oldTen));
    Manifest.verify(ten); // restored, not deleted
    assertEquals(0, leftovers(store.dir()));
  }
}
