package dev.scoreflow.cli;

import static dev.scoreflow.cli.CliTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.scoreflow.spec.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --process pfgm --pfgm-d} and {@code tanh-kernel} from the command line: issue 12's
 * "done when" (each trains in the default 3000 steps with its default parameterisation to
 * samples within 2x the sliced-W floor by Heun-20 and RK45, every gmm8 mode present), and bad
 * input refused before any work.
 */
class KernelCliTest {
  @TempDir Path tmp;

  @Test
  void pfgmAndTanhKernelTrainToNearTheFloor() throws Exception {
    for (String[] process : new String[][] {{"pfgm", "--pfgm-d", "1"}, {"tanh-kernel"}}) {
      Path run = tmp.resolve(process[0]);
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--data",
          "gmm8", "--seed", "1", "--device", "cpu", "--out", run.toString(), "--process"));
      args.addAll(java.util.List.of(process));
      long t0 = System.nanoTime();
      Object[] t = CliTest.run(args.toArray(new String[0]));
      assertEquals(0, t[0], (String) t[2]);
      System.out.printf("%s: 3000 steps in %.1f s%n", process[0], (System.nanoTime() - t0) / 1e9);
      TrainConfig c = TrainConfig.read(run.resolve("config.json"));
      assertEquals("edm", c.prediction, "the kernel processes' default");
      assertEquals(Boolean.TRUE, c.stableTarget, "the kernel processes' default");
      ProcessCliTest.assertNearGmm8(run, tmp, new String[][] {{"heun", "20"}, {"rk45", ""}}, 2.0);
    }
  }

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
