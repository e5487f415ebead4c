package dev.scoreflow.oracle;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.tensor.Scalars;

/**
 * The ideal noise prediction for a finite data set {x^(k)} (THEORY.md, "Oracles"): p_t =
 * mean_k N(a x^(k), b^2 I), eps*(x, t) = (x - a sum_k r_k x^(k)) / b with r = softmax_k(-|x - a
 * x^(k)|^2 / (2 b^2)). Sampling with it reproduces training points: memorisation made visible.
 */
public final class FiniteDataOracle implements NoisePredictor {
  private final NoiseProcess process;
  private final NDArray data; // [K, D...]

  public FiniteDataOracle(NoiseProcess process, NDArray data) {
    this.process = process;
    this.data = data;
  }

  @Override
  public NDArray predict(NDArray x, double t) {
    double a = process.a(t);
    double b = process.b(t);
    long n = x.getShape().get(0);
    long k = data.getShape().get(0);
    NDArray xf = x.reshape(n, -1);
    NDArray df = Scalars.mul(data.toDevice(x.getDevice(), false).reshape(k, -1), a);
    NDArray d2 = xf.expandDims(1).sub(df.expandDims(0)).square().sum(new int[] {2}); // [N, K]
    NDArray r = Scalars.div(d2, -2 * b * b).softmax(1);
    NDArray mean = r.matMul(df); // [N, D] = a sum_k r_k x^(k)
    return Scalars.divi(xf.sub(mean), b).reshape(x.getShape());
  }
}
