package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.tensor.Scalars;

/**
 * E[x_0 | x_t = x] when x_0 is one of finitely many candidates x^(k), equally likely a priori
 * (docs/theory.md, "Oracles for tests"): sum_k w_k x^(k) with
 * w = softmax_k log rho_n((x - a x^(k)) / b), rho_n the process's noise law. The exact denoiser of
 * a finite data set ({@code FiniteDataOracle}) and the batch-averaged training target
 * ({@link StableTarget}) are both this.
 */
public final class PosteriorMean {
  private PosteriorMean() {}

  /**
   * For x [N, D...] and candidates [K, D...] on x's device, with a and b broadcastable to
   * [N, 1, 1] (one per row, or one 0-d array for all) and {@code allowed} [N, K] (true where
   * candidate k may explain row i) or null for all: the posterior means, shaped like x. b's
   * Jacobian is the same for every k and drops out of the softmax.
   */
  public static NDArray of(NoiseProcess process, NDArray x, NDArray candidates, NDArray a,
      NDArray b, NDArray allowed) {
    long n = x.getShape().get(0);
    long k = candidates.getShape().get(0);
    NDArray data = candidates.reshape(k, -1);
    long dim = data.getShape().get(1);
    NDArray z = x.reshape(n, 1, dim).sub(data.reshape(1, k, dim).mul(a)).div(b); // [N, K, D]
    NDArray logW = process.noiseLogDensity(z.reshape(n * k, dim)).reshape(n, k);
    if (allowed != null) {
      logW = logW.add(Scalars.muli(allowed.logicalNot().toType(logW.getDataType(), false), -1e30));
    }
    return logW.softmax(1).matMul(data).reshape(x.getShape());
  }
}
