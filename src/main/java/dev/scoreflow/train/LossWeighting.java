package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.spec.TrainConfig;
import dev.scoreflow.tensor.Scalars;

/**
 * How much each example's squared error counts, by its time ({@code --loss-weight};
 * docs/theory.md, "Loss weighting"). {@code uniform} keeps the prediction's own loss: the eps
 * loss for eps, EDM's weighting for edm, and so on. {@code min-snr} is Hang et al.'s Min-SNR-gamma
 * (2023): the x_0 error weighted by min(SNR, gamma), SNR = 1 / sigma^2 with sigma = kappa b / a,
 * carried over to the prediction's loss by the square of its {@link Prediction#x0Gain} (for eps
 * that is min(SNR, gamma) / SNR, the paper's form).
 */
public sealed interface LossWeighting {
  /** Every example counts the same. */
  LossWeighting UNIFORM = new Uniform();

  /**
   * Per-example weights [B] on t's device, or null when every example counts the same (the
   * caller then takes the plain mean).
   */
  NDArray weights(NoiseProcess process, Prediction prediction, NDArray t, double dataScale);

  /** The weighting a config asks for. */
  static LossWeighting of(TrainConfig c) {
    return c.lossWeight.equals(TrainConfig.LOSS_MIN_SNR) ? new MinSnr(c.minSnrGamma) : UNIFORM;
  }

  /** The prediction's own loss. */
  record Uniform() implements LossWeighting {
    @Override
    public NDArray weights(NoiseProcess process, Prediction prediction, NDArray t,
        double dataScale) {
      return null;
    }
  }

  /** min(SNR, gamma) on the x_0 error. */
  record MinSnr(double gamma) implements LossWeighting {
    @Override
    public NDArray weights(NoiseProcess process, Prediction prediction, NDArray t,
        double dataScale) {
      NDArray sigma = Scalars.muli(process.b(t).div(process.a(t)), process.noiseScale());
      NDArray snr = Scalars.rdiv(1, sigma.square());
      NDArray gain = prediction.x0Gain(process, t, dataScale);
      return Scalars.minimum(snr, gamma).mul(gain.square());
    }
  }
}
