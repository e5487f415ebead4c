package dev.scoreflow.checkpoint;

import dev.scoreflow.spec.TrainConfig;

/**
 * state.json of a checkpoint: where training stood. Random draws are seeded per step from
 * (seed, step), so the step number is the whole RNG state; the data order is a function of
 * (seed, epoch), so epoch and index are recorded for the record and for checks.
 */
public final class CheckpointState {
  public int formatVersion = 1;
  /** Steps completed. */
  public long step;
  /** Adam's update count (equals step unless steps were skipped). */
  public long optimizerSteps;
  /** Learning rate used by the last completed step. */
  public double lastLearningRate;
  public long dataEpoch;
  public long dataIndex;
  public String rng = "per-step reseed: torch and DJL generators seeded with mix(seed, step)";
  /**
   * Where the run computed: "cpu" or "gpu", the device, and the PyTorch native build (cpu,
   * cu121). A resume on another kind of device continues the run but not bit for bit (README,
   * "Determinism"). Null in checkpoints written before these were recorded.
   */
  public String deviceKind;
  public String device;
  public String natives;
  /** Devices each batch was split over (train --devices); 1 in older checkpoints. */
  public int devices = 1;
  public TrainConfig config;
}
