package dev.scoreflow.checkpoint;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.model.ConditionalPredictor;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.Networks;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.sample.Denoiser;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.NoiseProcesses;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.spec.TrainConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.scoreflow.tensor.HostCopy;

/**
 * A trained network ready to sample: its config, process and weights, read from a run folder
 * (newest valid checkpoint) or from a model folder (config.json, ema.ndlist or ema.safetensors,
 * manifest).
 */
public final class LoadedModel implements AutoCloseable {
  private final TrainConfig config;
  private final EpsNetwork network;
  private final NoiseProcess process;
  private final Prediction prediction;
  private final ParameterStore weights;
  private final Path source;
  private RecommendedSampling recommended;

  private LoadedModel(TrainConfig config, EpsNetwork network, ParameterStore weights, Path source) {
    this.config = config;
    this.network = network;
    this.process = NoiseProcesses.of(config);
    this.prediction = Prediction.resolve(config.prediction, process);
    this.weights = weights;
    this.source = source;
  }

  /** The newest valid checkpoint of a run; EMA weights unless {@code ema} is false. */
  public static LoadedModel fromRun(Path runDir, NDManager manager, boolean ema) {
    if (!Files.isDirectory(runDir)) {
      throw new CheckpointException("--run " + runDir + ": no such run folder");
    }
    Path folder = new CheckpointStore(runDir.resolve("checkpoints")).newestValid();
    CheckpointState state = CheckpointStore.readState(folder);
    return load(state.config, folder.resolve(ema ? CheckpointStore.EMA : CheckpointStore.MODEL),
        manager, folder);
  }

  /**
   * A model folder as shipped in models/: config.json and the EMA weights (ema.ndlist, or
   * ema.safetensors from {@code export --format safetensors}) checked by manifest.json.
   */
  public static LoadedModel fromModelDir(Path dir, NDManager manager) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException("--model " + dir + ": no such model folder");
    }
    Manifest manifest = Manifest.verify(dir);
    TrainConfig config = TrainConfig.read(dir.resolve("config.json"));
    WeightsFormat format = manifest.files.containsKey(CheckpointStore.EMA)
        || !manifest.files.containsKey(SafetensorsWeights.EMA_FILE)
        ? WeightsFormat.NDLIST : WeightsFormat.SAFETENSORS;
    // Read only when the manifest lists it, so its bytes were verified with the rest.
    RecommendedSampling rec = manifest.files.containsKey(RecommendedSampling.FILE)
        ? RecommendedSampling.readIfPresent(dir) : null;
    LoadedModel model = load(config, dir.resolve(format.fileName()), format, manager, dir);
    model.recommended = rec;
    return model;
  }

  private static LoadedModel load(TrainConfig config, Path weightsFile, NDManager manager, Path source) {
    return load(config, weightsFile, WeightsFormat.NDLIST, manager, source);
  }

  private static LoadedModel load(TrainConfig config, Path weightsFile, WeightsFormat format,
      NDManager manager, Path source) {
    EpsNetwork net = Networks.create(config, manager);
    try (ParameterStore layout = net.initParameters(manager)) {
      ParameterStore w = format == WeightsFormat.SAFETENSORS
          ? SafetensorsWeights.read(weightsFile, config.architecture, layout, manager)
          : CheckpointStore.readArrays(weightsFile, layout, manager);
      return new LoadedModel(config, net, w, source);
    }
  }

  /** Writes a model folder (config, EMA weights, manifest) that {@link #fromModelDir} reads. */
  public static void export(TrainConfig config, ParameterStore emaWeights, Path dir) throws IOException {
    export(config, emaWeights, dir, WeightsFormat.NDLIST);
  }

  /**
   * Writes a model folder with the EMA weights in {@code format}: config.json, the one weights
   * file ({@link WeightsFormat#fileName}; the other format's file, if there, is deleted so the
   * folder holds one set of weights), and manifest.json listing both. {@link #fromModelDir}
   * reads either.
   */
  public static void export(TrainConfig config, ParameterStore emaWeights, Path dir,
      WeightsFormat format) throws IOException {
    export(config, emaWeights, dir, format, null);
  }

  /**
   * As above, with the recommended sampling settings written to sampling.json and listed in the
   * manifest ({@code recommended} null: no such file; a stale one is deleted).
   */
  public static void export(TrainConfig config, ParameterStore emaWeights, Path dir,
      WeightsFormat format, RecommendedSampling recommended) throws IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(Manifest.FILE));
    CheckpointStore.writeDurably(dir.resolve("config.json"),
        config.toJson().getBytes(StandardCharsets.UTF_8));
    for (WeightsFormat other : WeightsFormat.values()) {
      if (other != format) {
        Files.deleteIfExists(dir.resolve(other.fileName()));
      }
    }
    if (format == WeightsFormat.SAFETENSORS) {
      SafetensorsWeights.write(emaWeights, config.architecture, dir.resolve(format.fileName()));
    } else {
      CheckpointStore.writeDurably(dir.resolve(format.fileName()), HostCopy.encode(emaWeights.toNDList()));
    }
    List<String> files = new java.util.ArrayList<>(List.of("config.json", format.fileName()));
    if (recommended != null) {
      recommended.write(dir);
      files.add(RecommendedSampling.FILE);
    } else {
      Files.deleteIfExists(dir.resolve(RecommendedSampling.FILE));
    }
    CheckpointStore.writeDurably(dir.resolve(Manifest.FILE),
        Manifest.of(dir, files).toJson().getBytes(StandardCharsets.UTF_8));
  }

  public TrainConfig config() {
    return config;
  }

  public EpsNetwork network() {
    return network;
  }

  public NoiseProcess process() {
    return process;
  }

  public ParameterStore weights() {
    return weights;
  }

  public Path source() {
    return source;
  }

  /**
   * Refuses data of another shape than this model takes (e.g. 32x32 images for a 28x28 model):
   * one line naming the model, both shapes and {@code what} the data are (a flag or a file).
   */
  public void requireDataShape(Shape dataShape, String what) {
    Shape want = network.dataShape();
    if (!want.equals(dataShape)) {
      throw new CheckpointException(what + ": the data are " + Networks.describe(dataShape.getShape())
          + ", but the model " + source + " (" + config.architecture + ") takes "
          + Networks.describe(want.getShape()));
    }
  }

  /**
   * The network's raw output (an eps, x0 or velocity prediction: {@link #prediction()}); a
   * class-conditional network predicts for the null class (unconditionally).
   */
  public NoisePredictor predictor() {
    return NoisePredictor.of(network, weights);
  }

  /** What the network predicts (the config's, or the process's default for older runs). */
  public Prediction prediction() {
    return prediction;
  }

  /** The network as the samplers see it: {@link #predictor()} read as {@link #prediction()}. */
  public Denoiser denoiser() {
    return Denoiser.of(predictor(), process, prediction).withDataScale(config.dataScaleOrDefault());
  }

  /** K of a class-conditional model (0: unconditional). */
  public int numClasses() {
    return network.numClasses();
  }

  /** eps(x, t | y) of a class-conditional model, for guidance. */
  public ConditionalPredictor conditional() {
    return ConditionalPredictor.of(network, weights);
  }

  /**
   * The model folder's recommended sampling settings (sampling.json), or null: run folders and
   * model folders exported before the file existed have none.
   */
  public RecommendedSampling recommended() {
    return recommended;
  }

  @Override
  public void close() {
    weights.close();
  }
}
