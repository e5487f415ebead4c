package dev.scoreflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Pfgm;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.schedule.RectifiedFlow;
import dev.scoreflow.schedule.Ve;
import dev.scoreflow.schedule.VpLinear;
import dev.scoreflow.tensor.HostCopy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Logit-normal training times and Min-SNR loss weights (docs/theory.md, "Training times" and
 * "Loss weighting") against their closed forms.
 */
class TimesAndWeightsTest {
  static final double DATA_SCALE = 0.7;

  /** logit((t - tMin) / (1 - tMin)) of the draws has the asked-for mean and spread. */
  @Test
  void logitNormalTimesHaveTheirLaw() {
    try (NDManager m = TestEngine.manager(3)) {
      double tMin = 1e-3;
      for (double[] ms : new double[][] {{0, 1}, {-0.8, 1.6}}) {
        float[] t = HostCopy.floats(new TimeDistribution.LogitNormal(tMin, ms[0], ms[1])
            .sample(m, 40000));
        double sum = 0;
        double sum2 = 0;
        for (float v : t) {
          double u = (v - tMin) / (1 - tMin);
          double logit = Math.log(u / (1 - u));
          sum += logit;
          sum2 += logit * logit;
        }
        double mean = sum / t.length;
        double std = Math.sqrt(sum2 / t.length - mean * mean);
        // standard errors: std/200 for the mean, std/283 for the spread; 5 of them allowed
        assertEquals(ms[0], mean, 5 * ms[1] / 200, "mean of logit t");
        assertEquals(ms[1], std, 5 * ms[1] / 283, "std of logit t");
      }
    }
  }

  /** The gain each prediction's error has on x0_hat is the samplers' map's coefficient. */
  @Test
  void x0GainIsTheSamplersCoefficient() {
    try (NDManager m = NDManager.newBaseManager(TestEngine.device())) {
      double[] ts = {0.02, 0.3, 0.7, 0.97};
      NDArray t = m.create(new float[] {0.02f, 0.3f, 0.7f, 0.97f});
      for (NoiseProcess p : List.of(new VpLinear(), new Ve(), new RectifiedFlow(),
          new Pfgm(64, 10))) {
        for (Prediction pr : Prediction.values()) {
          float[] gain = HostCopy.floats(pr.x0Gain(p, t, DATA_SCALE));
          for (int i = 0; i < ts.length; i++) {
            double want = pr.x0Of(Prediction.At.of(p, ts[i], DATA_SCALE)).p();
            assertEquals(want, gain[i], 1e-4 * Math.max(1, Math.abs(want)),
                p.name() + " " + pr.id() + " t=" + ts[i]);
          }
        }
      }
    }
  }

  /**
   * Min-SNR weights in Hang et al.'s forms: min(SNR, g) / SNR for eps, min(SNR, g) for x0, and
   * for rectified flow's velocity (x0_hat = x_t - t v) t^2 min(SNR, g) with SNR = ((1-t)/t)^2.
   */
  @Test
  void minSnrWeightsHaveTheirClosedForms() {
    try (NDManager m = NDManager.newBaseManager(TestEngine.device())) {
      double g = 5;
      LossWeighting w = new LossWeighting.MinSnr(g);
      double[] ts = {0.05, 0.2, 0.5, 0.8, 0.95};
      NDArray t = m.create(new float[] {0.05f, 0.2f, 0.5f, 0.8f, 0.95f});
      VpLinear vp = new VpLinear();
      float[] eps = HostCopy.floats(w.weights(vp, Prediction.EPS, t, DATA_SCALE));
      float[] x0 = HostCopy.floats(w.weights(vp, Prediction.X0, t, DATA_SCALE));
      RectifiedFlow rf = new RectifiedFlow();
      float[] v = HostCopy.floats(w.weights(rf, Prediction.VELOCITY, t, DATA_SCALE));
      for (int i = 0; i < ts.length; i++) {
        double snr = Math.pow(vp.a(ts[i]) / vp.b(ts[i]), 2);
        assertEquals(Math.min(snr, g) / snr, eps[i], 1e-4, "eps t=" + ts[i]);
        assertEquals(Math.min(snr, g), x0[i], 1e-4 * Math.min(snr, g), "x0 t=" + ts[i]);
        double rfSnr = Math.pow((1 - ts[i]) / ts[i], 2);
        assertEquals(ts[i] * ts[i] * Math.min(rfSnr, g), v[i], 1e-5, "velocity t=" + ts[i]);
      }
    }
  }

  /**
   * The objective's loss with Min-SNR is the per-example mean squared error times the weight,
   * averaged over the batch: checked with a network that predicts 0, so the error is the
   * target (the noise, for eps).
   */
  @Test
  void weightedLossIsTheWeightedMeanOfExampleErrors() {
    try (NDManager m = TestEngine.manager(5)) {
      VpLinear vp = new VpLinear();
      LossWeighting w = new LossWeighting.MinSnr(5);
      DiffusionObjective objective = new DiffusionObjective(vp, Prediction.EPS,
          new TimeDistribution.Uniform(1e-3), w, LabelDropout.NONE, false, DATA_SCALE);
      EpsNetwork zero = new EpsNetwork() {
        @Override
        public String architecture() {
          return "zero";
        }

        @Override
        public Shape dataShape() {
          return new Shape(3);
        }

        @Override
        public ParameterStore initParameters(NDManager manager) {
          return null;
        }

        @Override
        public NDArray forward(ParameterStore params, NDArray x, NDArray t) {
          return x.zerosLike();
        }
      };
      NDArray x0 = m.randomNormal(new Shape(4, 3));
      NDArray noise = m.randomNormal(new Shape(4, 3));
      NDArray t = m.create(new float[] {0.05f, 0.3f, 0.6f, 0.9f});
      double got = objective.loss(zero, null, x0, null, t, noise).getFloat();
      float[] n = HostCopy.floats(noise);
      float[] wt = HostCopy.floats(w.weights(vp, Prediction.EPS, t, DATA_SCALE));
      double want = 0;
      for (int i = 0; i < 4; i++) {
        double mse = 0;
        for (int j = 0; j < 3; j++) {
          mse += n[3 * i + j] * n[3 * i + j] / 3.0;
        }
        want += wt[i] * mse / 4;
      }
      assertEquals(want, got, 1e-5 * Math.abs(want));
      double plain = new DiffusionObjective(vp, Prediction.EPS, new TimeDistribution.Uniform(1e-3),
          LossWeighting.UNIFORM, LabelDropout.NONE, false, DATA_SCALE)
          .loss(zero, null, x0, null, t, noise).getFloat();
      double mean = 0;
      for (float v : n) {
        mean += v * v / n.length;
      }
      assertEquals(mean, plain, 1e-5 * mean);
    }
  }
}
