package dev.scoreflow.eval;

import java.nio.file.Path;

/**
 * What {@link ImageEvaluation} measured.
 *
 * @param sampling how the samples were made (null when measured on given images)
 * @param quality FID-LeNet, its floor and the class histograms
 * @param classifierTestAccuracy the classifier's held-out accuracy, from its record
 * @param classifier the classifier's folder (null for one built in memory)
 * @param perClass class accuracy and FID-LeNet per class; null for unconditional samples
 */
public record ImageReport(SampleSource.Sampling sampling, ImageQuality.Result quality,
    double classifierTestAccuracy, Path classifier, ClassReport perClass) {

  public double fid() {
    return quality.fid();
  }

  public double floor() {
    return quality.floor();
  }

  public double ratio() {
    return quality.ratio();
  }

  public int n() {
    return quality.n();
  }

  ImageReport withSampling(SampleSource.Sampling s) {
    return new ImageReport(s, quality, classifierTestAccuracy, classifier, perClass);
  }
}
