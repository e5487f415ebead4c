package dev.scoreflow.classifier;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.scoreflow.data.ImageDataset;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.train.Adam;
import dev.scoreflow.train.ImageTrainingData;
import dev.scoreflow.tensor.HostCopy;
import dev.scoreflow.train.OptimizerStep;
import java.util.function.LongConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Trains LeNet with cross-entropy and Adam on a {@link ClassifierSplit}: batches in the same
 * seeded epoch order as the diffusion trainer's, constant learning rate with a cosine tail, then
 * the held-out accuracy. Short (a few thousand steps of a 62k-parameter net), so no checkpoints.
 */
public final class ClassifierTraining {
  private static final Logger LOG = LogManager.getLogger(ClassifierTraining.class);

  /** Steps, batch size, Adam learning rate, seed of the weights and of the batch order. */
  public record Settings(int steps, int batch, double lr, long seed) {
    public Settings {
      if (steps < 1 || batch < 1 || !(lr > 0)) {
        throw new IllegalArgumentException("classifier: --steps and --batch must be at least 1 and"
            + " --lr positive, got " + steps + ", " + batch + ", " + lr);
      }
    }
  }

  private ClassifierTraining() {}

  /**
   * Trains on {@code split.train()} and measures on {@code split.test()}; the returned classifier's
   * weights live in {@code manager}. {@code progress} hears each finished step.
   */
  public static Classifier train(ClassifierSplit split, ClassifierInfo info, Settings s,
      NDManager manager, LongConsumer progress) {
    Engine engine = Engine.getEngine(ScoreflowEngine.ENGINE_NAME);
    LeNet net = new LeNet();
    ScoreflowEngine.seed(s.seed());
    ParameterStore params = net.initParameters(manager);
    long t0 = System.nanoTime();
    double finalLoss;
    try (NDManager work = manager.newSubManager();
        ImageTrainingData data = new ImageTrainingData(ImageDataset.of(info.data,
            split.train().images(), split.train().labels(), work, false), s.seed());
        Adam adam = new Adam(params, work, 0)) {
      params.requireGradients();
      NDArray lossSum = work.zeros(new ai.djl.ndarray.types.Shape());
      int window = 0;
      finalLoss = Double.NaN;
      for (int step = 0; step < s.steps(); step++) {
        try (NDScope scope = new NDScope()) {
          NDArray x = data.batch(work, step, s.batch());
          NDArray y = data.labels(work, step, s.batch());
          NDArray loss = OptimizerStep.backward(engine,
              () -> LeNet.crossEntropy(net.logits(params, x), y));
          adam.step(params, OptimizerStep.gradients(params), learningRate(s, step));
          OptimizerStep.zeroGradients(params);
          lossSum.addi(loss); // stays on the device; read once per log line
          window++;
          if ((step + 1) % 200 == 0 || step + 1 == s.steps()) {
            finalLoss = HostCopy.scalar(lossSum) / window;
            LOG.debug(String.format(java.util.Locale.ROOT, "classifier step %d/%d  loss %.4f",
                step + 1, s.steps(), finalLoss));
            lossSum.subi(lossSum);
            window = 0;
          }
        }
        progress.accept(step + 1);
      }
    }
    for (NDArray p : params.asMap().values()) {
      p.setRequiresGradient(false);
    }
    Classifier trained = new Classifier(info, params);
    info.trainImages = split.train().size();
    info.testImages = split.test().size();
    info.steps = s.steps();
    info.batch = s.batch();
    info.lr = s.lr();
    info.seed = s.seed();
    info.finalLoss = finalLoss;
    info.trainSeconds = (System.nanoTime() - t0) / 1e9;
    try (NDManager tmp = manager.newSubManager();
        ImageDataset test = ImageDataset.of(info.data, split.test().images(), split.test().labels(),
            tmp, false)) {
      info.testAccuracy = trained.accuracy(test.images(), test.labels());
    }
    return trained;
  }

  /** Constant, then a cosine decay to zero over the last fifth of the steps. */
  static double learningRate(Settings s, int step) {
    int tail = Math.max(1, s.steps() / 5);
    int intoTail = step - (s.steps() - tail);
    if (intoTail < 0) {
      return s.lr();
    }
    return s.lr() * 0.5 * (1 + Math.cos(Math.PI * intoTail / tail));
  }
}
