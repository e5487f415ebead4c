package dev.scoreflow.train;

import dev.scoreflow.checkpoint.CheckpointStore;
import java.nio.file.Path;

/**
 * Layout of a run folder: config.json, metrics.csv, loss.png, checkpoints/step-NNNNNNNN/ and,
 * for image runs, samples/step-NNNNNN.png.
 */
public final class RunFolder {
  private final Path root;

  public RunFolder(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  public Path config() {
    return root.resolve("config.json");
  }

  public Path metrics() {
    return root.resolve("metrics.csv");
  }

  public Path lossPlot() {
    return root.resolve("loss.png");
  }

  public Path samples() {
    return root.resolve("samples");
  }

  public CheckpointStore checkpoints() {
    return new CheckpointStore(root.resolve("checkpoints"));
  }
}
