package dev.scoreflow.cli;

import static dev.scoreflow.cli.CliTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.TestEngine;
import dev.scoreflow.eval.SlicedWasserstein;
import dev.scoreflow.io.NpyReader;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.schedule.VpLinear;
import dev.scoreflow.spec.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --process}, {@code --prediction} and {@code --spacing karras} from the command line. */
class ProcessCliTest {
  static final int STEPS = 1500;

  @TempDir Path tmp;

  /**
   * {@code train --data gmm8 --process rectified-flow --prediction velocity}: a short run whose
   * samples (ode euler and heun, from t = 1) cover every mode, near the sliced-W floor.
   */
  @Test
  void rectifiedFlowVelocityTrainsAndSamples() throws Exception {
    Path run = tmp.resolve("rf");
    long t0 = System.nanoTime();
    Object[] t = CliTest.run("train", "--data", "gmm8", "--process", "rectified-flow",
        "--prediction", "velocity", "--steps", "" + STEPS, "--seed", "2", "--device", "cpu",
        "--out", run.toString());
    assertEquals(0, t[0], (String) t[2]);
    System.out.printf("rectified flow: %d steps in %.1f s%n", STEPS, (System.nanoTime() - t0) / 1e9);
    TrainConfig c = TrainConfig.read(run.resolve("config.json"));
    assertEquals("rectified-flow", c.schedule);
    assertEquals("velocity", c.prediction);

    assertNearGmm8(run, tmp, new String[][] {{"euler", "50"}, {"heun", "20"}}, 2.0);

    // A sampler that cannot start at a = 0, and a spacing in an infinite b/a: one line each.
    assertOneLineError(CliTest.run("sample", "--run", run.toString(), "--sampler", "ddpm",
        "--steps", "10", "--n", "10", "--out", tmp.resolve("x.png").toString()), "--sampler ddpm");
    assertOneLineError(CliTest.run("sample", "--run", run.toString(), "--sampler", "ode",
        "--spacing", "karras", "--n", "10", "--out", tmp.resolve("y.png").toString()),
        "--spacing karras");
    // DPM-Solver++ starts at a = 0 from a velocity network's finite x0 (DpmSolverTest).
    Object[] dpm = CliTest.run("sample", "--run", run.toString(), "--sampler", "dpm++2m",
        "--spacing", "quadratic", "--steps", "10", "--n", "10", "--out",
        tmp.resolve("d.png").toString());
    assertEquals(0, dpm[0], (String) dpm[2]);
  }

  /**
   * The recipe flags {@code --time logit-normal} and {@code --loss-weight min-snr} on rectified
   * flow: the config records them and the samples are as near the floor as the plain run's.
   */
  @Test
  void logitNormalTimesAndMinSnrTrain() throws Exception {
    Path run = tmp.resolve("rf-ln-snr");
    Object[] t = CliTest.run("train", "--data", "gmm8", "--process", "rectified-flow",
        "--time", "logit-normal", "--time-std", "1.2", "--loss-weight", "min-snr",
        "--steps", "" + STEPS, "--seed", "2", "--device", "cpu", "--out", run.toString());
    assertEquals(0, t[0], (String) t[2]);
    TrainConfig c = TrainConfig.read(run.resolve("config.json"));
    assertEquals("logit-normal", c.timeSampling);
    assertEquals(1.2, c.timeStd);
    assertEquals("min-snr", c.lossWeight);
    assertNearGmm8(run, tmp, new String[][] {{"heun", "20"}}, 2.0);
  }

  /**
   * Samples of a gmm8 run by the ODE with each {solver, steps} (steps "" for rk45's default
   * tolerances): sliced W1 to fresh data below {@code bound} times the data-vs-data floor, and
   * every mode holding at least a third of its share.
   */
  static void assertNearGmm8(Path run, Path tmp, String[][] samplers, double bound)
      throws Exception {
    try (NDManager m = TestEngine.manager(7)) {
      GaussianMixtureOracle data = GaussianMixtureOracle.gmm8(new VpLinear(), m);
      SlicedWasserstein sw = new SlicedWasserstein(m, 2, 64, 5);
      int n = 2000;
      double floor = 0;
      for (int i = 0; i < 16; i++) {
        floor += sw.distance(data.sampleData(m, n), data.sampleData(m, n)) / 16;
      }
      for (String[] sampler : samplers) {
        Path npy = tmp.resolve(sampler[0] + ".npy");
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("sample",
            "--run", run.toString(), "--sampler", "ode", "--solver", sampler[0], "--n", "" + n,
            "--device", "cpu", "--out", tmp.resolve(sampler[0] + ".png").toString(), "--npy",
            npy.toString()));
        if (!sampler[1].isEmpty()) {
          args.addAll(java.util.List.of("--steps", sampler[1]));
        }
        Object[] s = CliTest.run(args.toArray(new String[0]));
        assertEquals(0, s[0], (String) s[2]);
        NDArray x = NpyReader.read(npy, m);
        double d = 0;
        for (int r = 0; r < 4; r++) {
          d += sw.distance(x, data.sampleData(m, n)) / 4;
        }
        long[] counts = new long[8];
        for (long k : data.nearestComponent(x).toLongArray()) {
          counts[(int) k]++;
        }
        System.out.printf("%s: ode %s-%s: SW1 %.4f, floor %.4f, ratio %.2f, modes %s%n",
            run.getFileName(), sampler[0], sampler[1], d, floor, d / floor,
            java.util.Arrays.toString(counts));
        assertTrue(d / floor < bound, run.getFileName() + " ode " + sampler[0] + ": SW1 ratio "
            + d / floor);
        for (long k : counts) {
          assertTrue(k > n / 8 / 3, "every mode present: " + java.util.Arrays.toString(counts));
        }
      }
    }
  }

  @Test
  void badProcessFlagsAreOneLineErrorsBeforeAnyWork() {
    Path out = tmp.resolve("bad");
    Object[] r = CliTest.run("train", "--process", "rectified-flow", "--prediction", "eps",
        "--out", out.toString());
    assertEquals(1, r[0], (String) r[2]);
    assertOneLineError(r, "--prediction");
    assertOneLineError(CliTest.run("train", "--prediction", "v", "--out", out.toString()),
        "--prediction");
    assertOneLineError(CliTest.run("train", "--process", "nope", "--out", out.toString()),
        "--process");
    assertOneLineError(CliTest.run("train", "--schedule", "nope", "--out", out.toString()),
        "--process");
    assertOneLineError(CliTest.run("train", "--time", "lognormal", "--out", out.toString()),
        "--time");
    assertOneLineError(CliTest.run("train", "--time-std", "2", "--out", out.toString()),
        "--time logit-normal");
    assertOneLineError(CliTest.run("train", "--time", "logit-normal", "--time-std", "0",
        "--out", out.toString()), "--time-std");
    assertOneLineError(CliTest.run("train", "--loss-weight", "snr", "--out", out.toString()),
        "--loss-weight");
    assertOneLineError(CliTest.run("train", "--min-snr-gamma", "3", "--out", out.toString()),
        "--loss-weight min-snr");
    assertFalse(Files.exists(out), "nothing may be written");
  }

  /** {@code --schedule} is the old name of {@code --process}; karras spacing samples. */
  @Test
  void scheduleIsAnAliasAndKarrasSamples() throws Exception {
    Path run = tmp.resolve("ve");
    Object[] t = CliTest.run("train", "--data", "moons", "--schedule", "ve", "--steps", "20",
        "--batch", "64", "--width", "32", "--device", "cpu", "--out", run.toString());
    assertEquals(0, t[0], (String) t[2]);
    TrainConfig c = TrainConfig.read(run.resolve("config.json"));
    assertEquals("ve", c.schedule);
    assertEquals("eps", c.prediction, "no --prediction: a new run records the process default");
    assertEquals(Boolean.FALSE, c.stableTarget, "a Gaussian process trains on single draws");
    assertTrue(c.dataScale > 0.3 && c.dataScale < 1.5, "moons' sigma_data: " + c.dataScale);
    Object[] s = CliTest.run("sample", "--run", run.toString(), "--sampler", "dpm++2m",
        "--spacing", "karras", "--steps", "8", "--n", "50", "--device", "cpu",
        "--out", tmp.resolve("k.png").toString());
    assertEquals(0, s[0], (String) s[2]);
    assertTrue(((String) s[1]).contains("spacing=karras"), (String) s[1]);
  }
}
