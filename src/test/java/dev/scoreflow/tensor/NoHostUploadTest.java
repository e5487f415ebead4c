package dev.scoreflow.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.HostUploads;
import dev.scoreflow.TestEngine;
import dev.scoreflow.data.ToyData;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.ConditionalPredictor;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.Networks;
import dev.scoreflow.model.GuidedPredictor;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.model.ToyMlp;
import dev.scoreflow.model.UNetS;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.sample.DdimSampler;
import dev.scoreflow.sample.DdpmSampler;
import dev.scoreflow.sample.DpmSolverPlusPlus2M;
import dev.scoreflow.sample.OdeSampler;
import dev.scoreflow.sample.Sampler;
import dev.scoreflow.sample.SdeSampler;
import dev.scoreflow.sample.TimeGrid;
import dev.scoreflow.sample.ode.OdeSolver;
import dev.scoreflow.oracle.FiniteDataOracle;
import dev.scoreflow.sample.Denoiser;
import dev.scoreflow.schedule.DiscreteVp;
import dev.scoreflow.schedule.GaussianKernel;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.schedule.RectifiedFlow;
import dev.scoreflow.schedule.Pfgm;
import dev.scoreflow.schedule.TanhKernel;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.Ve;
import dev.scoreflow.schedule.VpCosine;
import dev.scoreflow.schedule.VpLinear;
import dev.scoreflow.spec.TrainConfig;
import dev.scoreflow.train.Adam;
import dev.scoreflow.train.DiffusionObjective;
import dev.scoreflow.train.LossWeighting;
import dev.scoreflow.train.TimeDistribution;
import dev.scoreflow.train.Ema;
import dev.scoreflow.train.FlatParameters;
import dev.scoreflow.train.LabelDropout;
import dev.scoreflow.train.OptimizerStep;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A training step and a sampling run copy nothing from host memory to the device (on a GPU each
 * such copy is a blocking transfer that stalls the stream): every constant is a fill kernel or
 * a table uploaded once per device. Counted with {@link HostUploads} after one warm-up run,
 * which is where the once-per-device tables go up. The data batch is made outside the count.
 */
class NoHostUploadTest {

  @Test
  void theCounterSeesOneNumberOperand() {
    // The check itself: DJL's mul(Number) builds its operand from a Java buffer.
    try (NDManager m = TestEngine.manager(0)) {
      NDArray x = m.randomNormal(new Shape(4));
      List<HostUploads.Upload> seen = HostUploads.during(() -> x.mul(0.5));
      assertEquals(1, seen.size(), "uploads seen: " + seen);
      assertEquals(0, HostUploads.during(() -> Scalars.mul(x, 0.5)).size());
    }
  }

  @Test
  void mlpTrainingStepUploadsNothing() {
    // Weight decay, clipping and the EMA all on; continuous and discrete (table) time.
    assertTrainingStepClean(new ToyMlp(constants(), 32, 2), new VpLinear(), 0, 64);
    assertTrainingStepClean(new ToyMlp(constants(), 32, 2), new DiscreteVp(), 1000, 64);
    // Every parameterisation's target, and rectified flow's and a kernel's coefficients.
    for (Prediction pr : Prediction.values()) {
      assertTrainingStepClean(new ToyMlp(constants(), 32, 2), new DiscreteVp(), pr, 1000, 64);
      assertTrainingStepClean(new ToyMlp(constants(), 32, 2), new VpCosine(), pr, 0, 64);
    }
    assertTrainingStepClean(new ToyMlp(constants(), 32, 2), new RectifiedFlow(),
        Prediction.VELOCITY, 0, 64);
    assertTrainingStepClean(new ToyMlp(constants(), 32, 2), new GaussianKernel(new Ve()),
        Prediction.X0, 0, 64);
    // The kernel processes' defaults: edm with batch-averaged targets, pfgm's truncated noise.
    assertTrainingStepClean(new ToyMlp(constants(), 32, 2), new Pfgm(1, 10), Prediction.EDM, 0,
        64, true);
    assertTrainingStepClean(new ToyMlp(constants(), 32, 2), new TanhKernel(10), Prediction.EDM, 0,
        64, true);
    // Logit-normal times and Min-SNR weights, for every prediction's gain.
    for (Prediction pr : Prediction.values()) {
      NoiseProcess p = pr == Prediction.VELOCITY ? new RectifiedFlow() : new VpCosine();
      assertTrainingStepClean(new ToyMlp(constants(), 32, 2), new DiffusionObjective(p, pr,
          new TimeDistribution.LogitNormal(1e-3, -0.4, 1.2), new LossWeighting.MinSnr(5),
          LabelDropout.NONE, false, 1.3), 64, p.name() + ", " + pr.id()
          + ", logit-normal times, min-snr");
    }
  }

  @Test
  void unetTrainingStepUploadsNothing() {
    assertTrainingStepClean(new UNetS(constants()), new VpCosine(), 0, 2);
  }

  /** A configured UNet: attention at two levels, dropout (on while training), the null class. */
  private static TrainConfig configuredUNet() {
    TrainConfig c = new TrainConfig();
    c.architecture = "unet";
    c.dataShape = new long[] {3, 16, 16};
    c.modelChannels = 8;
    c.attentionRes = new int[] {8, 4};
    c.dropout = 0.1;
    c.classConditional = true;
    c.classNames = List.of("a", "b", "c");
    return c;
  }

  @Test
  void configuredUNetTrainingStepUploadsNothing() {
    assertTrainingStepClean(Networks.create(configuredUNet(), constants()), new VpCosine(), 0, 2);
  }

  @Test
  void unetClassLabelsUploadNothing() {
    // The labelled forward pass, training (recording, dropout on) and sampling.
    try (NDManager m = TestEngine.manager(5)) {
      EpsNetwork net = Networks.create(configuredUNet(), m);
      ParameterStore p = net.initParameters(m);
      ParameterStore trained = p.copy(m);
      trained.requireGradients();
      NDArray x = m.randomNormal(new Shape(4, 3, 16, 16));
      NDArray t = m.randomUniform(0f, 1f, new Shape(4));
      NDArray t1 = m.randomUniform(0f, 1f, new Shape(1));
      NDArray labels = m.randomInteger(0, 4, new Shape(4), ai.djl.ndarray.types.DataType.INT32);
      Runnable train = () -> {
        try (NDScope scope = new NDScope();
            ai.djl.training.GradientCollector gc = ScoreflowEngine.engine().newGradientCollector()) {
          gc.backward(net.forward(trained, x, t, labels).sum());
        }
      };
      Runnable sample = () -> {
        try (NDScope scope = new NDScope()) {
          net.forward(p, x, t1, labels);
          net.forward(p, x, t1, null);
        }
      };
      train.run();
      sample.run();
      assertNone(HostUploads.during(train), "labelled UNet training pass");
      assertNone(HostUploads.during(sample), "labelled UNet sampling pass");
    }
  }

  /** The 2-D sets are drawn on the device every step: their batches upload nothing either. */
  @Test
  void toyDataBatchesUploadNothing() {
    try (NDManager m = TestEngine.manager(1)) {
      for (ToyData d : ToyData.values()) {
        d.sampleLabelled(m, 8);
        assertNone(HostUploads.during(() -> d.sample(m, 64)), d.id() + " batch");
        assertNone(HostUploads.during(() -> d.sampleLabelled(m, 64)), d.id() + " labelled batch");
      }
    }
  }

  @Test
  void everySamplerStepUploadsNothing() {
    List<Supplier<Sampler>> samplers = List.of(
        () -> new DdimSampler(3, 0.5, TimeGrid.Spacing.UNIFORM),
        () -> new DdpmSampler(3, DdpmSampler.Variance.POSTERIOR),
        () -> new SdeSampler(3, 1.0, TimeGrid.Spacing.UNIFORM),
        () -> new DpmSolverPlusPlus2M(3, TimeGrid.Spacing.LOGSNR, false),
        () -> new DpmSolverPlusPlus2M(3, TimeGrid.Spacing.UNIFORM, true),
        () -> new OdeSampler(OdeSolver.byName("euler", 1e-3, 1e-3), 3, TimeGrid.Spacing.UNIFORM),
        () -> new OdeSampler(OdeSolver.byName("heun", 1e-3, 1e-3), 3, TimeGrid.Spacing.UNIFORM),
        () -> new OdeSampler(OdeSolver.byName("rk4", 1e-3, 1e-3), 3, TimeGrid.Spacing.UNIFORM),
        () -> new OdeSampler(OdeSolver.byName("rk45", 1e-2, 1e-2), 1, TimeGrid.Spacing.UNIFORM));
    List<NoiseProcess> processes = List.of(new VpLinear(), new VpCosine(), new Ve(), new DiscreteVp());
    try (NDManager m = TestEngine.manager(2)) {
      ToyMlp net = new ToyMlp(m, 16, 2);
      ParameterStore params = net.initParameters(m);
      // Classifier-free guidance: a conditional MLP and the exact conditional oracle, both
      // halves in one batched call (S = 2.5) and the conditional model alone (S = 1). The
      // labels are made once, before the count, as a sampling job makes them per chunk.
      ToyMlp condNet = new ToyMlp(m, 16, 2, 3);
      ParameterStore condParams = condNet.initParameters(m);
      int[] classes = new int[32];
      for (int i = 0; i < classes.length; i++) {
        classes[i] = i % 3;
      }
      NDArray labels = m.create(classes);
      for (NoiseProcess p : processes) {
        GaussianMixtureOracle oracle = GaussianMixtureOracle.gmm8(p, m);
        ConditionalPredictor condMlp = ConditionalPredictor.of(condNet, condParams);
        List<NoisePredictor> predictors = new java.util.ArrayList<>(
            List.of(NoisePredictor.of(net, params), oracle));
        if (p == processes.get(0)) { // guidance does not touch the process: one is enough
          predictors.addAll(List.of(new GuidedPredictor(condMlp, labels, 2.5),
              new GuidedPredictor(condMlp, labels, 1),
              new GuidedPredictor(oracle.conditional(), labels, 2.5)));
        }
        for (NoisePredictor eps : predictors) {
          for (Supplier<Sampler> s : samplers) {
            NDArray x = m.randomNormal(new Shape(32, 2));
            try (NDScope warm = new NDScope()) {
              s.get().sample(eps, p, x, 1e-3);
            }
            Sampler sampler = s.get();
            assertNone(HostUploads.during(() -> sampler.sample(eps, p, x, 1e-3)),
                sampler.describe() + " on " + p.name());
          }
        }
      }
      // Rectified flow (t coordinates) and a kernel (x0), through the conversion layer.
      RectifiedFlow rf = new RectifiedFlow();
      GaussianMixtureOracle rfOracle = GaussianMixtureOracle.gmm8(rf, m);
      GaussianKernel kernel = new GaussianKernel(new Ve());
      FiniteDataOracle kernelOracle = new FiniteDataOracle(kernel, m.randomNormal(new Shape(16, 2)));
      List<Denoiser> others = List.of(
          Denoiser.of(rfOracle.predictor(Prediction.VELOCITY), rf, Prediction.VELOCITY),
          Denoiser.of(rfOracle.predictor(Prediction.X0), rf, Prediction.X0),
          Denoiser.of(kernelOracle.predictor(Prediction.X0), kernel, Prediction.X0));
      for (Denoiser d : others) {
        for (Supplier<Sampler> s : samplers) {
          Sampler sampler = s.get();
          try {
            sampler.check(d);
          } catch (IllegalArgumentException refused) {
            continue; // a Gaussian-only sampler on the kernel, a b/a grid on rectified flow
          }
          NDArray x = m.randomNormal(new Shape(32, 2));
          try (NDScope warm = new NDScope()) {
            s.get().sample(d, x, 1e-3);
          }
          assertNone(HostUploads.during(() -> sampler.sample(d, x, 1e-3)),
              sampler.describe() + " on " + d.process().name() + ", " + d.prediction().id());
        }
      }
      // UNet-S when autograd is off (the in-place path), one DDIM step.
      UNetS unet = new UNetS(m);
      ParameterStore up = unet.initParameters(m);
      NDArray img = m.randomNormal(new Shape(2, 1, 28, 28));
      Sampler ddim = new DdimSampler(1, 0.0, TimeGrid.Spacing.UNIFORM);
      try (NDScope warm = new NDScope()) {
        ddim.sample(NoisePredictor.of(unet, up), new VpLinear(), img, 1e-3);
      }
      assertNone(HostUploads.during(
          () -> ddim.sample(NoisePredictor.of(unet, up), new VpLinear(), img, 1e-3)), "unet ddim");
    }
  }

  private static NDManager constantsManager;

  /** The networks' constant arrays live for the whole test class. */
  private static synchronized NDManager constants() {
    if (constantsManager == null) {
      constantsManager = TestEngine.manager(3);
    }
    return constantsManager;
  }

  private static void assertTrainingStepClean(EpsNetwork net, NoiseProcess process,
      int discreteSteps, int batch) {
    assertTrainingStepClean(net, process, Prediction.EPS, discreteSteps, batch);
  }

  private static void assertTrainingStepClean(EpsNetwork net, NoiseProcess process,
      Prediction prediction, int discreteSteps, int batch) {
    assertTrainingStepClean(net, process, prediction, discreteSteps, batch, false);
  }

  private static void assertTrainingStepClean(EpsNetwork net, NoiseProcess process,
      Prediction prediction, int discreteSteps, int batch, boolean stableTarget) {
    assertTrainingStepClean(net, new DiffusionObjective(process, prediction, 1e-3, discreteSteps,
        LabelDropout.NONE, stableTarget, 1.3), batch, process.name() + ", " + prediction.id()
        + (stableTarget ? ", stable targets" : ""));
  }

  private static void assertTrainingStepClean(EpsNetwork net, DiffusionObjective objective,
      int batch, String what) {
    try (NDManager m = TestEngine.manager(4)) {
      Engine engine = ScoreflowEngine.engine();
      FlatParameters flat;
      try (ParameterStore init = net.initParameters(m)) {
        flat = new FlatParameters(init, m);
      }
      Adam adam = new Adam(flat.views(), m, 0.01);
      Ema ema = new Ema(flat.views(), m, 0.99, true);
      OptimizerStep step = new OptimizerStep(net, flat, objective, adam, 1.0, ema);
      Shape shape = new Shape(batch).addAll(net.dataShape());
      NDArray x0 = m.randomNormal(shape);
      NDArray lossSum = m.zeros(new Shape());
      try (NDScope warm = new NDScope()) {
        lossSum.addi(step.apply(engine, x0, 1e-3));
      }
      List<HostUploads.Upload> seen = HostUploads.during(
          () -> lossSum.addi(step.apply(engine, x0, 1e-3)));
      assertNone(seen, net.architecture() + " training step on " + what);
      assertTrue(Float.isFinite(lossSum.getFloat()));
    }
  }

  private static void assertNone(List<HostUploads.Upload> seen, String what) {
    assertTrue(seen.isEmpty(), what + " copied " + seen.size() + " arrays from the host: " + seen);
  }
}
