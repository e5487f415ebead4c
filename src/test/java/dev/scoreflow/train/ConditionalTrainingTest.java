package dev.scoreflow.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.ConditionalPredictor;
import dev.scoreflow.model.GuidedPredictor;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.model.ToyMlp;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.sample.DdimSampler;
import dev.scoreflow.sample.TimeGrid;
import dev.scoreflow.schedule.VpLinear;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tiny class-conditional MLP trained with label dropout on labelled 2-D data (four Gaussians,
 * the label is the mode) for a few hundred steps: its conditional samples of class k land mostly
 * in mode k, while at S = 0 (the null class) they spread over all four.
 */
class ConditionalTrainingTest {
  static final int K = 4;
  static final double STD = 0.2;

  /** Four modes at radius 2, labels uniform; batches seeded by the step like the real feeds. */
  static final class FourModes implements TrainingData {
    private final NDArray centres;

    FourModes(NDManager m) {
      float[] c = new float[2 * K];
      for (int k = 0; k < K; k++) {
        c[2 * k] = (float) (2 * Math.cos(k * Math.PI / 2));
        c[2 * k + 1] = (float) (2 * Math.sin(k * Math.PI / 2));
      }
      centres = m.create(c, new Shape(K, 2));
    }

    @Override
    public Batch labelledBatch(NDManager manager, long step, int size) {
      NDArray labels = manager.randomInteger(0, K, new Shape(size), DataType.INT32);
      NDArray x0 = centres.get(labels.toType(DataType.INT64, false))
          .add(manager.randomNormal(new Shape(size, 2)).mul(STD));
      x0.attach(manager);
      return new Batch(x0, labels);
    }

    @Override
    public NDArray batch(NDManager manager, long step, int size) {
      return labelledBatch(manager, step, size).x0();
    }

    @Override
    public List<String> classNames() {
      return List.of("east", "north", "west", "south");
    }

    @Override
    public Shape exampleShape() {
      return new Shape(2);
    }

    @Override
    public String describe() {
      return "four labelled modes";
    }
  }

  @Test
  void conditionalSamplesLandInTheirMode() {
    VpLinear vp = new VpLinear();
    try (NDManager m = TestEngine.manager(31)) {
      Engine engine = ScoreflowEngine.engine();
      ToyMlp net = new ToyMlp(m, 32, 2, K);
      FlatParameters flat;
      try (ParameterStore init = net.initParameters(m)) {
        flat = new FlatParameters(init, m);
      }
      Adam adam = new Adam(flat.views(), m, 0.0);
      Ema ema = new Ema(flat.views(), m, 0.99, true);
      OptimizerStep step = new OptimizerStep(net, flat,
          new DiffusionObjective(vp, dev.scoreflow.schedule.Prediction.EPS, 1e-3, 0, new LabelDropout(0.2, K)), adam, 1.0, ema);
      FourModes data = new FourModes(m);
      for (int i = 0; i < 200; i++) {
        try (NDScope scope = new NDScope()) {
          TrainingData.Batch b = data.labelledBatch(m, i, 128);
          step.apply(engine, b.x0(), b.labels(), 3e-3);
        }
      }

      float[] c = new float[2 * K];
      for (int k = 0; k < K; k++) {
        c[2 * k] = (float) (2 * Math.cos(k * Math.PI / 2));
        c[2 * k + 1] = (float) (2 * Math.sin(k * Math.PI / 2));
      }
      double[] stds = new double[K];
      double[] weights = new double[K];
      Arrays.fill(stds, STD);
      Arrays.fill(weights, 1.0 / K);
      GaussianMixtureOracle modes = new GaussianMixtureOracle(vp, m.create(c, new Shape(K, 2)),
          stds, weights);
      ConditionalPredictor model = ConditionalPredictor.of(net, ema.weights());
      DdimSampler ddim = new DdimSampler(20, 0.0, TimeGrid.Spacing.QUADRATIC);
      int n = 300;
      for (int k = 0; k < K; k++) {
        final long mode = k;
        double[] share = new double[2];
        double[] scales = {1, 0};
        for (int s = 0; s < 2; s++) {
          try (NDManager run = m.newSubManager()) {
            NDArray labels = run.full(new Shape(n), k, DataType.INT32);
            NDArray x1 = run.randomNormal(new Shape(n, 2));
            NDArray x0 = ddim.sample(new GuidedPredictor(model, labels, scales[s]), vp, x1, 1e-3);
            long hits = Arrays.stream(modes.nearestComponent(x0).toLongArray())
                .filter(j -> j == mode).count();
            share[s] = (double) hits / n;
          }
        }
        System.out.printf("class %d: share in mode %d at S = 1: %.3f, at S = 0: %.3f%n", k, k,
            share[0], share[1]);
        assertTrue(share[0] > 0.8, "class " + k + " at S = 1: only " + share[0] + " in mode " + k);
        assertTrue(share[1] < 0.45, "class " + k + " at S = 0 (null class) should spread over"
            + " the modes, " + share[1] + " in mode " + k);
      }
    }
  }
}
