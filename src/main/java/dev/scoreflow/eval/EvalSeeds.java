package dev.scoreflow.eval;

/**
 * The seeds of {@code scoreflow eval --seed S}'s stages after sampling (the samples themselves
 * are {@code sample --seed S}'s): stage k is seeded with S * {@link #STRIDE} + k. Anything that
 * must reproduce eval's numbers elsewhere (the Spark job's FID-LeNet) takes its seeds from here.
 */
public final class EvalSeeds {
  public static final long STRIDE = 1_000_003L;
  /** Which reference (training) images FID-LeNet compares with; the held-out ones use + 1. */
  public static final int FID_IMAGES = 4;

  private EvalSeeds() {}

  public static long stage(long seed, int stage) {
    return seed * STRIDE + stage;
  }
}
