package dev.scoreflow.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL a training process at random moments, again and again: every time the newest valid
 * checkpoint must load, and resuming must end with exactly the weights of an uninterrupted run.
 */
class KillDuringTrainingTest {
  @TempDir Path tmp;

  static final String[] TRAIN = {"train", "--data", "gmm8", "--width", "32", "--batch", "64",
      "--steps", "600", "--checkpoint-every", "25", "--keep", "2", "--seed", "3", "--device", "cpu"};

  static Process start(Path out, boolean resume) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "dev.scoreflow.cli.Main"));
    cmd.addAll(List.of(TRAIN));
    cmd.add("--out");
    cmd.add(out.toString());
    if (resume) {
      cmd.add("--resume");
    }
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(out.resolveSibling(out.getFileName() + ".log").toFile()).start();
  }

  static byte[][] finalFiles(Path run) throws Exception {
    Path last = new CheckpointStore(run.resolve("checkpoints")).newestValid();
    assertEquals("step-00000600", last.getFileName().toString());
    String[] names = {CheckpointStore.MODEL, CheckpointStore.EMA, CheckpointStore.ADAM_M,
        CheckpointStore.ADAM_V};
    byte[][] out = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      out[i] = Files.readAllBytes(last.resolve(names[i]));
    }
    return out;
  }

  @Test
  void killedRunsResumeToTheSameWeights() throws Exception {
    Path reference = tmp.resolve("reference");
    Process p = start(reference, false);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("reference.log")));

    Path killed = tmp.resolve("killed");
    Random rng = new Random(42);
    int kills = 0;
    boolean done = false;
    for (int attempt = 0; attempt < 40 && !done; attempt++) {
      CheckpointStore store = new CheckpointStore(killed.resolve("checkpoints"));
      boolean resume = !store.list().isEmpty();
      Process q = start(killed, resume);
      if (kills < 6) {
        long delay = 800 + rng.nextInt(2500); // JVM start ~1-2 s, then training and writes
        if (q.waitFor(delay, TimeUnit.MILLISECONDS)) {
          done = q.exitValue() == 0;
          assertTrue(done, Files.readString(tmp.resolve("killed.log")));
          continue;
        }
        q.destroyForcibly().waitFor(); // SIGKILL
        kills++;
        if (!store.list().isEmpty()) {
          Path newest = store.newestValid(); // must exist and verify after every kill
          CheckpointStore.readState(newest);
        }
      } else {
        assertTrue(q.waitFor(300, TimeUnit.SECONDS));
        done = q.exitValue() == 0;
        assertTrue(done, Files.readString(tmp.resolve("killed.log")));
      }
    }
    assertTrue(done, "training never finished");
    assertTrue(kills >= 3, "only " + kills + " kills happened");
    byte[][] a = finalFiles(reference);
    byte[][] b = finalFiles(killed);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], "file " + i + " differs after " + kills + " kills");
    }
  }

  /** SIGINT and SIGTERM finish the step, write a checkpoint, say where, and exit 0. */
  @Test
  void interruptWritesACheckpointAndExitsZero() throws Exception {
    for (String signal : new String[] {"INT", "TERM"}) {
      Path out = tmp.resolve("sig" + signal);
      Process p = start(out, false);
      Path log = tmp.resolve("sig" + signal + ".log");
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!Files.readString(log).contains("Training mlp") && System.nanoTime() < deadline) {
        Thread.sleep(50); // wait until the training loop starts
      }
      Thread.sleep(300);
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      String text = Files.readString(log);
      assertEquals(0, p.exitValue(), text);
      if (text.contains("Trained 600 steps")) {
        continue; // finished before the signal arrived: nothing to check
      }
      assertTrue(text.contains("Interrupted at step"), text);
      Path newest = new CheckpointStore(out.resolve("checkpoints")).newestValid();
      long step = CheckpointStore.readState(newest).step;
      assertTrue(text.contains("checkpoint written to " + newest), text);
      assertTrue(step > 0 && step < 600, "step " + step);
    }
  }
}
