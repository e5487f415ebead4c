package dev.scoreflow.cli;

import static dev.scoreflow.cli.CliTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input a new user tries: each is one line naming the flag, exit 1, and no work done. */
class BadInputTest {
  @TempDir Path tmp;

  @Test
  void zeroThreadsIsRefusedBeforeAnythingRuns() {
    Path out = tmp.resolve("run");
    Object[] r = CliTest.run("train", "--data", "gmm8", "--steps", "5", "--out", out.toString(),
        "--device", "cpu", "--threads", "0");
    assertEquals(1, r[0], (String) r[2]);
    assertOneLineError(r, "--threads");
    assertTrue(((String) r[2]).contains(">= 1"), (String) r[2]);
    assertFalse(Files.exists(out), "nothing may be written");
    assertOneLineError(CliTest.run("info", "--threads", "-2"), "--threads");
  }

  @Test
  void aDivergingRunIsAUserErrorNotAnInternalOne() {
    Path out = tmp.resolve("diverge");
    Object[] r = CliTest.run("train", "--data", "gmm8", "--width", "16", "--batch", "64",
        "--steps", "60", "--log-every", "10", "--lr", "1e6", "--grad-clip", "0",
        "--device", "cpu", "--threads", "1", "--out", out.toString());
    String err = (String) r[2];
    assertEquals(1, r[0], err);
    assertOneLineError(r, "--lr");
    assertTrue(err.contains("the loss became"), err);
    assertFalse(err.contains("internal error") || err.contains("\tat "), err);
  }
}
