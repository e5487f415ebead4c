package dev.scoreflow.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.TestEngine;
import dev.scoreflow.train.RunFolder;
import dev.scoreflow.spec.TrainConfig;
import dev.scoreflow.train.Trainer;
import dev.scoreflow.train.TrainingListener;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged checkpoints are named and skipped for the previous valid one; none valid is an error;
 * a checkpoint of another model is refused naming the mismatch.
 */
class CorruptCheckpointTest {
  @TempDir Path tmp;
  RunFolder run;
  CheckpointStore store;

  static TrainConfig config() {
    TrainConfig c = new TrainConfig();
    c.data = "moons";
    c.width = 32;
    c.batch = 64;
    c.steps = 60;
    c.checkpointEvery = 20;
    c.keep = 0;
    return c;
  }

  @BeforeEach
  void train() throws Exception {
    run = new RunFolder(tmp.resolve("run"));
    store = run.checkpoints();
    try (NDManager m = TestEngine.manager(0); Trainer t = Trainer.start(config(), run, TestEngine.device())) {
      t.run(TrainingListener.NONE, () -> false);
    }
    assertEquals(3, store.list().size());
  }

  Path newest() {
    return store.dir().resolve(CheckpointStore.folderName(60));
  }

  String newestValidAfterDamage() {
    Path p = store.newestValid();
    return p.getFileName().toString();
  }

  @Test
  void truncatedFileIsSkipped() throws Exception {
    Path f = newest().resolve(CheckpointStore.MODEL);
    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
      r.setLength(r.length() / 2);
    }
    CheckpointException e = assertThrows(CheckpointException.class, () -> Manifest.verify(newest()));
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    assertEquals("step-00000040", newestValidAfterDamage());
  }

  @Test
  void flippedByteIsDetected() throws Exception {
    Path f = newest().resolve(CheckpointStore.EMA);
    byte[] b = Files.readAllBytes(f);
    b[b.length - 7] ^= 0x10;
    Files.write(f, b);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Manifest.verify(newest()));
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("corrupted"), e.getMessage());
    assertEquals("step-00000040", newestValidAfterDamage());
  }

  @Test
  void missingManifestMeansNoCheckpoint() throws Exception {
    Files.delete(newest().resolve(Manifest.FILE));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Manifest.verify(newest()));
    assertTrue(e.getMessage().contains("no manifest.json"), e.getMessage());
    assertEquals("step-00000040", newestValidAfterDamage());
  }

  @Test
  void resumeSkipsTheDamagedNewestAndContinuesFromThePreviousOne() throws Exception {
    Files.delete(newest().resolve(Manifest.FILE));
    TrainConfig c = config();
    c.steps = 80;
    try (NDManager m = TestEngine.manager(0);
        Trainer t = Trainer.resume(run, null, c, Set.of("steps"), TestEngine.device())) {
      assertEquals(40, t.step());
      t.run(TrainingListener.NONE, () -> false);
      assertEquals(80, t.step());
    }
  }

  @Test
  void noValidCheckpointIsAClearError() throws Exception {
    for (Path p : store.list()) {
      Files.delete(p.resolve(Manifest.FILE));
    }
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Trainer.resume(run, null, config(), Set.of(), TestEngine.device()));
    assertTrue(e.getMessage().contains("no valid checkpoint among 3"), e.getMessage());
    assertTrue(e.getMessage().contains("step-00000060") && e.getMessage().contains("step-00000020"));
  }

  @Test
  void checkpointOfAnotherModelIsRefusedNamingTheMismatch() throws Exception {
    // Same run, but the config now claims a wider network than the stored weights.
    Path state = newest().resolve(CheckpointStore.STATE);
    CheckpointState s = CheckpointStore.readState(newest());
    s.config.width = 64;
    try (NDManager m = TestEngine.manager(0);
        Trainer t = Trainer.start(s.config, new RunFolder(tmp.resolve("other")), TestEngine.device())) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointStore
          .readArrays(newest().resolve(CheckpointStore.MODEL), t.parameters(), m));
      assertTrue(e.getMessage().contains(CheckpointStore.MODEL) && e.getMessage().contains("shape"),
          e.getMessage());
    }
    assertTrue(Files.exists(state));
  }

  @Test
  void conflictingFlagOnResumeNamesTheField() {
    TrainConfig c = config();
    c.width = 64;
    c.steps = 100;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.resume(run, null, c, Set.of("width", "steps"), TestEngine.device()));
    assertTrue(e.getMessage().contains("width (checkpoint has 32, flag asks for 64)"), e.getMessage());
  }

  @Test
  void keepLastKNeverDeletesTheNewestValid() throws Exception {
    // newest is damaged: pruning to 1 must keep step 40 (the newest valid) as well
    Files.delete(newest().resolve(Manifest.FILE));
    store.prune(1, 0);
    List<Path> left = store.list();
    assertTrue(left.contains(store.dir().resolve("step-00000040")), left.toString());
    assertTrue(!left.contains(store.dir().resolve("step-00000020")), left.toString());
  }

  @Test
  void manyCheckpointWritesKeepMemoryFlat() throws Exception {
    TrainConfig c = config();
    c.steps = 100;
    try (NDManager m = TestEngine.manager(0);
        Trainer t = Trainer.resume(run, null, c, Set.of("steps"), TestEngine.device())) {
      NDManager own = t.manager();
      t.checkpoint();
      int before = own.getManagedArrays().size();
      for (int i = 0; i < 60; i++) {
        t.checkpoint();
      }
      assertEquals(before, own.getManagedArrays().size());
    }
  }
}
