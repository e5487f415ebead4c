package dev.scoreflow.eval;

/**
 * Class-conditional sample quality: how many samples were asked for each class, the share the
 * classifier reads as the class asked for, and FID-LeNet per class beside its own floor (NaN for
 * a class with fewer than two samples).
 */
public record ClassReport(int[] counts, double accuracy, double[] fid, double[] floor) {

  /** FID-LeNet of class k over its floor. */
  public double ratio(int k) {
    return fid[k] / floor[k];
  }

  /** Mean of FID-LeNet over the classes that have one. */
  public double meanFid() {
    return meanOf(fid);
  }

  /** Mean of the per-class floors over the classes that have one. */
  public double meanFloor() {
    return meanOf(floor);
  }

  private static double meanOf(double[] v) {
    double sum = 0;
    int k = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        sum += x;
        k++;
      }
    }
    return k == 0 ? Double.NaN : sum / k;
  }
}
