package dev.scoreflow.cli;

import static dev.scoreflow.cli.CliTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --process pfgm --pfgm-d} and {@code tanh-kernel}: bad input refused before any work. */
class KernelCliTest {
  @TempDir Path tmp;

  @Test
  void badKernelFlagsAreRefusedWithOneLine() {
    Path run = tmp.resolve("pfgm");
    assertOneLineError(CliTest.run("train", "--data", "gmm8", "--process", "pfgm", "--pfgm-d",
        "0", "--steps", "10", "--device", "cpu", "--out", run.toString()), "--pfgm-d");
    assertFalse(Files.exists(run), "nothing written for a refused run");
    assertOneLineError(CliTest.run("train", "--data", "gmm8", "--process", "tanh-kernel",
        "--prediction", "sideways", "--steps", "10", "--device", "cpu", "--out",
        run.toString()), "--prediction");
    assertOneLineError(CliTest.run("train", "--data", "gmm8", "--process", "pfgm",
        "--ve-sigma-max", "0.0001", "--steps", "10", "--device", "cpu", "--out",
        run.toString()), "--ve-sigma-max");
    assertFalse(Files.exists(run), "nothing written for a refused run");
  }
}
