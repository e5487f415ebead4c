package dev.scoreflow.data;

import java.util.Random;

/**
 * Seeded shuffles of 0..n-1, the one Fisher-Yates every seeded choice of examples uses (epoch
 * orders, the classifier's held-out split, FID-LeNet's reference images, --nll's images). Its
 * output for a seed must never change: checkpoints and shipped classifiers rely on it.
 */
public final class Permutations {
  private Permutations() {}

  /** A uniformly random permutation of 0..n-1 drawn by {@code new Random(seed)}. */
  public static int[] shuffled(long seed, int n) {
    Random random = new Random(seed);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
