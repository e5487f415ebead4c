package dev.scoreflow.schedule;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.spec.TrainConfig;
import dev.scoreflow.tensor.Scalars;
import java.util.Locale;

/**
 * What a network predicts of x_t = a x_0 + b n (docs/theory.md, "Parameterisations"): the noise
 * n ({@code eps}), the data x_0 ({@code x0}) or the conditional velocity
 * dx_t/dt = a' x_0 + b' n ({@code velocity}). Given x_t, each determines the others by an affine
 * map whose coefficients depend on t alone ({@link #epsOf}, {@link #x0Of}); the samplers only
 * ever see those (through {@code sample/Denoiser}), never the parameterisation.
 */
public enum Prediction {
  EPS {
    @Override
    NDArray target(NoiseProcess p, NDArray x0, NDArray n, NDArray t, Shape bcast,
        double dataScale) {
      return n;
    }

    @Override
    public Affine epsOf(At at) {
      return new Affine(0, 1);
    }

    @Override
    public Affine x0Of(At at) {
      return new Affine(1 / at.a(), -at.b() / at.a());
    }

    @Override
    public NDArray x0Gain(NoiseProcess p, NDArray t, double dataScale) {
      return p.b(t).div(p.a(t)).neg();
    }
  },
  X0 {
    @Override
    NDArray target(NoiseProcess p, NDArray x0, NDArray n, NDArray t, Shape bcast,
        double dataScale) {
      return x0;
    }

    @Override
    public Affine epsOf(At at) {
      return new Affine(1 / at.b(), -at.a() / at.b());
    }

    @Override
    public Affine x0Of(At at) {
      return new Affine(0, 1);
    }

    @Override
    public NDArray x0Gain(NoiseProcess p, NDArray t, double dataScale) {
      return t.onesLike();
    }
  },
  VELOCITY {
    @Override
    NDArray target(NoiseProcess p, NDArray x0, NDArray n, NDArray t, Shape bcast,
        double dataScale) {
      return x0.mul(p.aDot(t).reshape(bcast)).add(n.mul(p.bDot(t).reshape(bcast)));
    }

    // x = a x0 + b n and v = a' x0 + b' n solved for n and x0; det = a b' - a' b = a^2 dlambda/dt.
    @Override
    public Affine epsOf(At at) {
      double det = at.a() * at.bDot() - at.aDot() * at.b();
      return new Affine(-at.aDot() / det, at.a() / det);
    }

    @Override
    public Affine x0Of(At at) {
      double det = at.a() * at.bDot() - at.aDot() * at.b();
      return new Affine(at.bDot() / det, -at.b() / det);
    }

    @Override
    public NDArray x0Gain(NoiseProcess p, NDArray t, double dataScale) {
      NDArray b = p.b(t);
      NDArray det = p.a(t).mul(p.bDot(t)).sub(p.aDot(t).mul(b));
      return b.div(det).neg();
    }
  },
  /**
   * EDM's preconditioned denoiser (Karras et al. 2022; docs/theory.md, "Parameterisations"):
   * the network's output F gives x0_hat = c_skip y + c_out F with y = x / a and the noise level
   * sigma = kappa b / a (kappa the noise's per-coordinate scale, 1 for a Gaussian), c_skip =
   * sd^2 / (sigma^2 + sd^2), c_out = sigma sd / sqrt(sigma^2 + sd^2), sd the data's
   * per-coordinate scale sigma_data (a run measures it from its data).
   * The target (x_0 - c_skip y) / c_out has about unit size at every noise level: close to -n
   * when the noise is small (the skip carries x), close to x_0 / sd when it is large.
   */
  EDM {
    @Override
    NDArray target(NoiseProcess p, NDArray x0, NDArray n, NDArray t, Shape bcast,
        double dataScale) {
      double sd2 = dataScale * dataScale;
      NDArray ratio = p.b(t).div(p.a(t)).reshape(bcast); // b / a
      NDArray sigma = Scalars.mul(ratio, p.noiseScale());
      NDArray sigma2 = Scalars.addi(sigma.square(), sd2);
      NDArray cSkip = Scalars.rdiv(sd2, sigma2);
      NDArray cOut = Scalars.muli(sigma.div(sigma2.sqrt()), dataScale);
      NDArray y = x0.add(n.mul(ratio));
      return x0.sub(y.mul(cSkip)).div(cOut);
    }

    @Override
    public Affine epsOf(At at) {
      // n_hat = (x - a x0_hat) / b with x0_hat = c_skip x / a + c_out F
      Affine x0 = x0Of(at);
      return new Affine((1 - at.a() * x0.x()) / at.b(), -at.a() * x0.p() / at.b());
    }

    @Override
    public Affine x0Of(At at) {
      double sd = at.dataScale();
      double sigma = at.noiseScale() * at.b() / at.a();
      double sigma2 = sigma * sigma + sd * sd;
      double cSkip = sd * sd / sigma2;
      double cOut = sigma * sd / Math.sqrt(sigma2);
      return new Affine(cSkip / at.a(), cOut);
    }

    @Override
    public NDArray x0Gain(NoiseProcess p, NDArray t, double dataScale) {
      NDArray sigma = Scalars.muli(p.b(t).div(p.a(t)), p.noiseScale());
      NDArray root = Scalars.addi(sigma.square(), dataScale * dataScale).sqrt();
      return Scalars.muli(sigma.div(root), dataScale);
    }
  };

  /** sigma_data for runs that did not record their data's scale (EDM's, images in [-1, 1]). */
  public static final double DEFAULT_DATA_SCALE = TrainConfig.DEFAULT_DATA_SCALE;

  /**
   * A process at one time: a, b, a', b', kappa, the per-coordinate scale of its noise n (1 for a
   * Gaussian; {@link NoiseProcess#noiseScale}), and sigma_data, the data's.
   */
  public record At(double a, double b, double aDot, double bDot, double noiseScale,
      double dataScale) {
    /** The process p at time t for data of per-coordinate scale dataScale. */
    public static At of(NoiseProcess p, double t, double dataScale) {
      return new At(p.a(t), p.b(t), p.aDot(t), p.bDot(t), p.noiseScale(), dataScale);
    }
  }

  /** y = x * x + p * prediction: an estimate as an affine function of x_t and the prediction. */
  public record Affine(double x, double p) {
    /** c y for a number c. */
    public Affine times(double c) {
      return new Affine(c * x, c * p);
    }

    public Affine plus(Affine o) {
      return new Affine(x + o.x, p + o.p);
    }
  }

  /**
   * The regression target for x_0, noise n and times t ([B]); bcast is [B, 1, ...]; dataScale is
   * sigma_data (only {@link #EDM} reads it).
   */
  abstract NDArray target(NoiseProcess p, NDArray x0, NDArray n, NDArray t, Shape bcast,
      double dataScale);

  /** The noise estimate n_hat as an affine function of x_t and this prediction at one time. */
  public abstract Affine epsOf(At at);

  /** The data estimate x0_hat as an affine function of x_t and this prediction. */
  public abstract Affine x0Of(At at);

  /**
   * The coefficient of the prediction in x0_hat ({@link #x0Of}'s p) for a batch of times t, on
   * t's device: how an error in this prediction moves x0_hat. Loss weightings stated for x_0
   * errors ({@code train/LossWeighting}) are carried over to this prediction's loss with its
   * square.
   */
  public abstract NDArray x0Gain(NoiseProcess p, NDArray t, double dataScale);

  /** This prediction of a given estimate x0_hat at x: {@link #x0Of} solved for the prediction. */
  public NDArray fromX0(At at, NDArray x, NDArray x0Hat) {
    Affine c = x0Of(at);
    return Scalars.divi(x0Hat.sub(Scalars.mul(x, c.x())), c.p());
  }

  /** The name used in configs and on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code eps}, {@code x0} or {@code velocity}. */
  public static Prediction parse(String s) {
    for (Prediction p : values()) {
      if (p.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException("--prediction: expected eps, x0, velocity or edm, got '" + s + "'");
  }

  /**
   * The parameterisation of a run: the config's {@code prediction}, or the process's default
   * when it is null (runs and models from before the flag), checked against the process.
   */
  public static Prediction resolve(String configured, NoiseProcess process) {
    Prediction p = configured == null ? process.defaultPrediction() : parse(configured);
    process.checkPrediction(p);
    return p;
  }
}
