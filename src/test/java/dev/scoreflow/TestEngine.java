package dev.scoreflow;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.engine.ScoreflowEngine;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared test set-up: the offline engine, seeded, on the device of {@code
 * -Dscoreflow.test.device} (cpu by default; gpu or gpu:N runs the suite on a GPU).
 */
public final class TestEngine {
  /** The system property that picks the suite's device. */
  public static final String DEVICE_PROPERTY = "scoreflow.test.device";
  private static volatile Device device;

  private TestEngine() {}

  /** The device every test computes on. */
  public static Device device() {
    Device d = device;
    if (d == null) {
      ScoreflowEngine.configureOffline(null);
      ScoreflowEngine.configureCudnnBenchmark(false); // tests compare runs: no autotuning
      d = ScoreflowEngine.chooseDevice(System.getProperty(DEVICE_PROPERTY, "cpu"));
      device = d;
    }
    return d;
  }

  public static boolean onGpu() {
    return !"cpu".equals(ScoreflowEngine.deviceKind(device()));
  }

  /**
   * Skips the calling test on a GPU, where its claim does not hold: bit-exact repeats need the
   * CPU's deterministic kernels (cuDNN's algorithm choice and atomic adds vary between runs).
   */
  public static void assumeCpuOnly(String claim) {
    Assumptions.assumeFalse(onGpu(), "holds on the CPU only: " + claim);
  }

  /** A new manager on {@link #device()} after seeding the engine; the caller closes it. */
  public static NDManager manager(long seed) {
    Device d = device();
    ScoreflowEngine.seed(seed);
    return NDManager.newBaseManager(d);
  }
}
