package dev.scoreflow.oracle;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.tensor.Scalars;

/**
 * The exact marginal density of a finite data set {x^(k), k = 1..K} under any affine process
 * x_t = a x_0 + b n (docs/theory.md, "Oracles for tests"): p_t is the mixture of the K kernels,
 *
 * <pre>
 *   log p_t(x) = logsumexp_k log rho_n((x - a x^(k)) / b) - D log b - log K,
 * </pre>
 *
 * rho_n the process's noise law and D the data dimension. It is the closed form the likelihood
 * along the ODE is checked against, for kernel processes as for Gaussian ones.
 */
public final class FiniteDataDensity {
  private final NoiseProcess process;
  private final NDArray data; // [K, ...]

  public FiniteDataDensity(NoiseProcess process, NDArray data) {
    this.process = process;
    this.data = data;
  }

  /** log p_t(x) for each row of x [N, ...], as [N] (nats). */
  public NDArray logDensity(NDArray x, double t) {
    double a = process.a(t);
    double b = process.b(t);
    long n = x.getShape().get(0);
    long k = data.getShape().get(0);
    NDArray df = data.toDevice(x.getDevice(), true);
    df.attach(x.getManager());
    df = df.reshape(k, -1);
    long dim = df.getShape().get(1);
    NDArray z = Scalars.divi(x.reshape(n, -1).expandDims(1).sub(Scalars.mul(df, a).expandDims(0)),
        b);
    NDArray logits = process.noiseLogDensity(z.reshape(n * k, dim)).reshape(n, k);
    NDArray max = logits.max(new int[] {1}, true);
    NDArray lse = logits.sub(max).exp().sum(new int[] {1}).log().addi(max.squeeze(1));
    return Scalars.addi(lse, -dim * Math.log(b) - Math.log(k));
  }
}
