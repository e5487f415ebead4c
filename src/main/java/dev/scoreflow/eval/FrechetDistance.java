package dev.scoreflow.eval;

import ai.djl.ndarray.NDArray;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import dev.scoreflow.tensor.HostCopy;

/**
 * The Frechet distance between Gaussians fitted to two feature sets (the "F" of FID):
 * d^2 = |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)).
 *
 * <p>tr (S1 S2)^(1/2) is computed as the sum of square roots of the eigenvalues of the symmetric
 * matrix S1^(1/2) S2 S1^(1/2), which has the same eigenvalues as S1 S2 and avoids a non-symmetric
 * square root. Moments are taken on the device; only the d x d covariances come to the host.
 */
public final class FrechetDistance {
  private FrechetDistance() {}

  /** Mean and covariance (divisor n - 1) of a feature set. */
  public record Moments(double[] mean, double[][] cov, long n) {}

  /** Moments of features [N, d], N >= 2. */
  public static Moments moments(NDArray features) {
    long n = features.getShape().get(0);
    int d = (int) features.getShape().get(1);
    if (n < 2) {
      throw new IllegalArgumentException("Frechet distance: need at least 2 feature vectors, got " + n);
    }
    try (NDArray f = features.toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
        NDArray mu = f.mean(new int[] {0});
        NDArray centred = f.sub(mu);
        NDArray cov = centred.transpose().matMul(centred).divi(n - 1)) {
      double[] mean = HostCopy.read(mu, NDArray::toDoubleArray);
      double[] flat = HostCopy.read(cov, NDArray::toDoubleArray);
      double[][] c = new double[d][d];
      for (int i = 0; i < d; i++) {
        System.arraycopy(flat, i * d, c[i], 0, d);
      }
      return new Moments(mean, c, n);
    }
  }

  /** The distance (squared, as FID reports it) between two fitted Gaussians. */
  public static double distance(Moments a, Moments b) {
    int d = a.mean().length;
    if (b.mean().length != d) {
      throw new IllegalArgumentException("Frechet distance: feature sizes differ, " + d + " vs "
          + b.mean().length);
    }
    double meanTerm = 0;
    for (int i = 0; i < d; i++) {
      double diff = a.mean()[i] - b.mean()[i];
      meanTerm += diff * diff;
    }
    RealMatrix s1 = new Array2DRowRealMatrix(a.cov());
    RealMatrix s2 = new Array2DRowRealMatrix(b.cov());
    RealMatrix root1 = sqrtPsd(s1);
    RealMatrix inner = root1.multiply(s2).multiply(root1);
    double traceRoot = 0;
    for (double ev : new EigenDecomposition(symmetrised(inner)).getRealEigenvalues()) {
      traceRoot += Math.sqrt(Math.max(ev, 0)); // tiny negative eigenvalues are round-off
    }
    return meanTerm + s1.getTrace() + s2.getTrace() - 2 * traceRoot;
  }

  /** Convenience: the distance between two feature sets [N, d] and [M, d]. */
  public static double between(NDArray featuresA, NDArray featuresB) {
    return distance(moments(featuresA), moments(featuresB));
  }

  /** V sqrt(max(D, 0)) V^T for a symmetric positive semi-definite matrix. */
  static RealMatrix sqrtPsd(RealMatrix s) {
    EigenDecomposition e = new EigenDecomposition(symmetrised(s));
    double[] ev = e.getRealEigenvalues();
    RealMatrix v = e.getV();
    int d = ev.length;
    double[][] scaled = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        scaled[i][j] = v.getEntry(i, j) * Math.sqrt(Math.max(ev[j], 0));
      }
    }
    return new Array2DRowRealMatrix(scaled, false).multiply(v.transpose());
  }

  /** (M + M^T) / 2: removes the round-off asymmetry that would make the eigensolver non-symmetric. */
  private static RealMatrix symmetrised(RealMatrix m) {
    return m.add(m.transpose()).scalarMultiply(0.5);
  }
}
