package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.scoreflow.spec.TrainConfig;
import dev.scoreflow.tensor.Scalars;

/**
 * Where the training times t of a batch come from ({@code --time}; docs/theory.md, "Training
 * times"): uniform on [tMin, 1), DDPM's integer steps i/N, or logit-normal, which puts more of
 * the batch at intermediate noise. All draws use the engine's generator on the batch's device.
 */
public sealed interface TimeDistribution {

  /** One time per example of a batch, as [batch] floats on the manager's device. */
  NDArray sample(NDManager m, int batch);

  /** The distribution a config asks for. */
  static TimeDistribution of(TrainConfig c) {
    return switch (c.timeSampling) {
      case TrainConfig.TIME_DISCRETE -> new Discrete(c.discreteSteps);
      case TrainConfig.TIME_LOGIT_NORMAL -> new LogitNormal(c.tMin, c.timeMean, c.timeStd);
      default -> new Uniform(c.tMin);
    };
  }

  /** t ~ U(tMin, 1). */
  record Uniform(double tMin) implements TimeDistribution {
    @Override
    public NDArray sample(NDManager m, int batch) {
      return m.randomUniform((float) tMin, 1f, new Shape(batch));
    }
  }

  /** t = i / N with i uniform on {1..N}: DDPM's discrete steps. */
  record Discrete(int steps) implements TimeDistribution {
    @Override
    public NDArray sample(NDManager m, int batch) {
      return Scalars.divi(m.randomInteger(1, steps + 1, new Shape(batch), DataType.INT32)
          .toType(DataType.FLOAT32, false), steps);
    }
  }

  /**
   * t = tMin + (1 - tMin) sigmoid(mean + std z), z ~ N(0, 1): Esser et al.'s logit-normal
   * (2024). For rectified flow, b/a = t / (1 - t), so it is EDM's log-normal law of the noise
   * level with ln sigma ~ N(mean, std^2), up to the squeeze into [tMin, 1).
   */
  record LogitNormal(double tMin, double mean, double std) implements TimeDistribution {
    @Override
    public NDArray sample(NDManager m, int batch) {
      NDArray logit = m.randomNormal((float) mean, (float) std, new Shape(batch), DataType.FLOAT32);
      NDArray s = Activation.sigmoid(logit);
      logit.close();
      return Scalars.addi(Scalars.muli(s, 1 - tMin), tMin);
    }
  }
}
