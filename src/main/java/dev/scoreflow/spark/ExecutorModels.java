package dev.scoreflow.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.classifier.Classifier;
import dev.scoreflow.engine.ScoreflowEngine;
import java.util.HashMap;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * What a JVM (a Spark executor, or the driver in local mode) keeps between tasks: the engine,
 * started once, and each model and classifier folder, loaded once per device on a manager that
 * lives as long as the JVM (or until {@link #clear}). Tasks of one executor run as threads of
 * its JVM, so every method is synchronized; sampling itself is made atomic per chunk by
 * {@code ChunkedSampling}.
 */
final class ExecutorModels {
  private static final Logger LOG = LogManager.getLogger(ExecutorModels.class);

  private static final Map<String, Device> DEVICES = new HashMap<>();
  private static final Map<Device, NDManager> MANAGERS = new HashMap<>();
  private static final Map<String, LoadedModel> MODELS = new HashMap<>();
  private static final Map<String, Classifier> CLASSIFIERS = new HashMap<>();
  private static int modelLoads;

  private ExecutorModels() {}

  /**
   * The device for {@code spec} (as --device takes it). With {@code auto}, a task that Spark's
   * scheduler gave a GPU (spark.task.resource.gpu.amount) uses that one; otherwise the first GPU
   * of the machine when it has one, else the CPU.
   */
  static synchronized Device device(String spec, int threads) {
    String s = spec == null ? "auto" : spec.trim().toLowerCase();
    if (s.equals("auto")) {
      TaskContext task = TaskContext.get();
      ResourceInformation gpu = task == null ? null : task.resourcesJMap().get("gpu");
      if (gpu != null && gpu.addresses().length > 0) {
        s = "gpu:" + gpu.addresses()[0];
      }
    }
    Device d = DEVICES.get(s);
    if (d == null) {
      ScoreflowEngine.configureOffline(null);
      if (threads > 0) {
        ScoreflowEngine.configureThreads(threads);
      }
      ScoreflowEngine.engine();
      d = ScoreflowEngine.chooseDevice(s);
      DEVICES.put(s, d);
    }
    return d;
  }

  /** The JVM-long manager of {@code device}. */
  static synchronized NDManager manager(Device device) {
    return MANAGERS.computeIfAbsent(device, NDManager::newBaseManager);
  }

  /** The model folder at {@code path} (any path Spark reads), loaded once per device. */
  static synchronized LoadedModel model(String path, Device device, Map<String, String> hadoop) {
    String key = device + " " + path;
    LoadedModel m = MODELS.get(key);
    if (m == null) {
      m = LoadedModel.fromModelDir(SparkFiles.localFolder(path, hadoop), manager(device));
      modelLoads++;
      LOG.info("loaded model {} on {} (model loads in this JVM: {})", path, device, modelLoads);
      MODELS.put(key, m);
    }
    return m;
  }

  /** The classifier folder at {@code path}, loaded once per device. */
  static synchronized Classifier classifier(String path, Device device, Map<String, String> hadoop) {
    String key = device + " " + path;
    Classifier c = CLASSIFIERS.get(key);
    if (c == null) {
      c = Classifier.load(SparkFiles.localFolder(path, hadoop), manager(device));
      CLASSIFIERS.put(key, c);
    }
    return c;
  }

  /** Model folders loaded in this JVM since it started (or since {@link #clear}). */
  static synchronized int modelLoads() {
    return modelLoads;
  }

  /** Closes every cached model, classifier and manager (tests; a JVM that is done sampling). */
  static synchronized void clear() {
    MODELS.values().forEach(LoadedModel::close);
    CLASSIFIERS.values().forEach(Classifier::close);
    MANAGERS.values().forEach(NDManager::close);
    MODELS.clear();
    CLASSIFIERS.clear();
    MANAGERS.clear();
    modelLoads = 0;
  }
}
