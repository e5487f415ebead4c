package dev.scoreflow;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.engine.ScoreflowEngine;

/** Shared test set-up: the offline engine on the CPU, seeded. */
public final class TestEngine {
  private TestEngine() {}

  /** A new CPU manager after seeding the engine; the caller closes it. */
  public static NDManager manager(long seed) {
    ScoreflowEngine.configureOffline(null);
    ScoreflowEngine.seed(seed);
    return NDManager.newBaseManager(Device.cpu());
  }
}
