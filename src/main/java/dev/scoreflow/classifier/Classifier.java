package dev.scoreflow.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.scoreflow.checkpoint.CheckpointException;
import dev.scoreflow.checkpoint.CheckpointStore;
import dev.scoreflow.checkpoint.Manifest;
import dev.scoreflow.model.ParameterStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.scoreflow.tensor.HostCopy;

/**
 * A trained LeNet with its record, as a folder: classifier.json, weights.ndlist and a
 * manifest.json that guards both (the same layout rules as models/NAME for eps networks).
 */
public final class Classifier implements AutoCloseable {
  public static final String INFO = "classifier.json";
  public static final String WEIGHTS = "weights.ndlist";
  /** Images per forward pass when featurising many images. */
  private static final int CHUNK = 500;

  private final ClassifierInfo info;
  private final LeNet net = new LeNet();
  private final ParameterStore weights;

  public Classifier(ClassifierInfo info, ParameterStore weights) {
    this.info = info;
    this.weights = weights;
  }

  public ClassifierInfo info() {
    return info;
  }

  public LeNet net() {
    return net;
  }

  public ParameterStore weights() {
    return weights;
  }

  /**
   * Where evaluation looks when --classifier is not given: models/lenet-DATA for a named data set,
   * null for idx:DIR (no name to go by).
   */
  public static Path defaultFolder(String data) {
    if (data.startsWith(dev.scoreflow.data.ImageSource.IDX_PREFIX)) {
      return null;
    }
    return Path.of("models", "lenet-" + data);
  }

  /** Reads a classifier folder, checking the manifest first. */
  public static Classifier load(Path dir, NDManager manager) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(dir + ": no such classifier folder");
    }
    Manifest.verify(dir);
    ClassifierInfo info = ClassifierInfo.read(dir.resolve(INFO));
    try (ParameterStore layout = new LeNet().initParameters(manager)) {
      return new Classifier(info, CheckpointStore.readArrays(dir.resolve(WEIGHTS), layout, manager));
    }
  }

  /** Writes the folder: record and weights first, the manifest last (so a torn write fails to load). */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(Manifest.FILE));
    CheckpointStore.writeDurably(dir.resolve(INFO), info.toJson().getBytes(StandardCharsets.UTF_8));
    CheckpointStore.writeDurably(dir.resolve(WEIGHTS), HostCopy.encode(weights.toNDList()));
    CheckpointStore.writeDurably(dir.resolve(Manifest.FILE),
        Manifest.of(dir, List.of(INFO, WEIGHTS)).toJson().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Features [N, 84] and predicted classes int64 [N] of images [N, 1, 28, 28] in [-1, 1], run in
   * chunks; both attached to {@code target}.
   */
  public NDList featuresAndClasses(NDArray images, NDManager target) {
    long n = images.getShape().get(0);
    NDList features = new NDList();
    NDList classes = new NDList();
    for (long start = 0; start < n; start += CHUNK) {
      try (NDScope scope = new NDScope()) {
        NDArray x = images.get(start + ":" + Math.min(n, start + CHUNK));
        NDArray f = net.features(weights, x);
        NDArray c = net.logitsFromFeatures(weights, f).argMax(1).toType(DataType.INT64, false);
        f.attach(target);
        c.attach(target);
        NDScope.unregister(f, c);
        features.add(f);
        classes.add(c);
      }
    }
    NDArray f = features.size() == 1 ? features.get(0) : ai.djl.ndarray.NDArrays.concat(features);
    NDArray c = classes.size() == 1 ? classes.get(0) : ai.djl.ndarray.NDArrays.concat(classes);
    f.attach(target);
    c.attach(target);
    return new NDList(f, c);
  }

  /** Share of {@code images} whose predicted class equals {@code labels}. */
  public double accuracy(NDArray images, NDArray labels) {
    try (NDManager tmp = images.getManager().newSubManager()) {
      NDArray predicted = featuresAndClasses(images, tmp).get(1);
      long right = HostCopy.read(predicted.eq(labels.toType(DataType.INT64, false))
          .toType(DataType.INT64, false).sum(), NDArray::getLong);
      return (double) right / predicted.size();
    }
  }

  @Override
  public void close() {
    weights.close();
  }
}
