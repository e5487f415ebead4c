package dev.scoreflow.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.classifier.Classifier;
import dev.scoreflow.classifier.ClassifierInfo;
import dev.scoreflow.classifier.ClassifierSplit;
import dev.scoreflow.classifier.ClassifierTraining;
import dev.scoreflow.data.ImageSource;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scoreflow classifier}: trains the LeNet whose features FID-LeNet compares. */
@Command(name = "classifier", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train the LeNet classifier that `eval` uses for FID-LeNet and the class "
        + "histogram of image samples; writes a folder like models/lenet-mnist.")
final class ClassifierCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "mnist|fashion-mnist|idx:DIR",
      description = "Labelled image data set.")
  String data;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where named data sets live (default: datasets).")
  String dataDir;

  @Option(names = "--out", paramLabel = "DIR", description = "Classifier folder (default: models/lenet-DATA).")
  Path out;

  @Option(names = "--steps", defaultValue = "3000", description = "Adam steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate, cosine decay over the last fifth (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--holdout", defaultValue = "2000",
      description = "Images held out for the test accuracy and FID-LeNet's floor when the folder has one IDX pair only (default: ${DEFAULT-VALUE}).")
  int holdout;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the weights, batch order and hold-out choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin GlobalOptions global;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!ImageSource.isImageData(data)) {
      throw new IllegalArgumentException("--data: the classifier needs an image data set (one of "
          + ImageSource.NAMES + " or idx:DIR), got '" + data + "'");
    }
    ClassifierTraining.Settings settings = new ClassifierTraining.Settings(steps, batch, lr, seed);
    Path folder = out != null ? out : Classifier.defaultFolder(data);
    if (folder == null) {
      throw new IllegalArgumentException("--out: give the classifier folder; there is no default"
          + " for --data " + data + " (the default is models/lenet-DATA for named data sets)");
    }
    ClassifierSplit split = ClassifierSplit.load(data, ImageSource.dataDir(dataDir), holdout, seed);
    Device device = global.start();
    ClassifierInfo info = new ClassifierInfo();
    info.data = data;
    info.dataDir = dataDir;
    info.split = split.kind();
    info.holdout = ClassifierSplit.HOLDOUT.equals(split.kind()) ? holdout : 0;
    info.splitSeed = seed;
    spec.commandLine().getOut().printf(Locale.ROOT, "classifier: LeNet-5 on %s; held out: %s%n",
        split.train().description(), split.test().description());
    try (NDManager manager = NDManager.newBaseManager(device);
        Progress progress = new Progress("classifier", steps, "steps");
        Classifier trained = ClassifierTraining.train(split, info, settings, manager,
            step -> progress.update(step))) {
      trained.save(folder);
      spec.commandLine().getOut().printf(Locale.ROOT, "test accuracy %.4f on %d held-out images (%d training images,"
              + " %d steps, %.0f s) -> %s%n", info.testAccuracy, info.testImages, info.trainImages,
          info.steps, info.trainSeconds, folder);
    }
    return 0;
  }
}
