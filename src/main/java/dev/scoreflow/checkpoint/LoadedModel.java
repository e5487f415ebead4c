package dev.scoreflow.checkpoint;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.Networks;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.NoiseProcesses;
import dev.scoreflow.train.TrainConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.scoreflow.tensor.HostCopy;

/**
 * A trained network ready to sample: its config, process and weights, read from a run folder
 * (newest valid checkpoint) or from a shipped model folder (config.json, ema.ndlist, manifest).
 */
public final class LoadedModel implements AutoCloseable {
  private final TrainConfig config;
  private final EpsNetwork network;
  private final NoiseProcess process;
  private final ParameterStore weights;
  private final Path source;

  private LoadedModel(TrainConfig config, EpsNetwork network, ParameterStore weights, Path source) {
    this.config = config;
    this.network = network;
    this.process = NoiseProcesses.byName(config.schedule, config.veSigmaMax);
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

  /** A model folder as shipped in models/: config.json and ema.ndlist checked by manifest.json. */
  public static LoadedModel fromModelDir(Path dir, NDManager manager) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException("--model " + dir + ": no such model folder");
    }
    Manifest.verify(dir);
    TrainConfig config = TrainConfig.read(dir.resolve("config.json"));
    return load(config, dir.resolve(CheckpointStore.EMA), manager, dir);
  }

  private static LoadedModel load(TrainConfig config, Path weightsFile, NDManager manager, Path source) {
    EpsNetwork net = Networks.create(config, manager);
    try (ParameterStore layout = net.initParameters(manager)) {
      ParameterStore w = CheckpointStore.readArrays(weightsFile, layout, manager);
      return new LoadedModel(config, net, w, source);
    }
  }

  /** Writes a model folder (config, EMA weights, manifest) that {@link #fromModelDir} reads. */
  public static void export(TrainConfig config, ParameterStore emaWeights, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(Manifest.FILE));
    CheckpointStore.writeDurably(dir.resolve("config.json"),
        config.toJson().getBytes(StandardCharsets.UTF_8));
    CheckpointStore.writeDurably(dir.resolve(CheckpointStore.EMA), HostCopy.encode(emaWeights.toNDList()));
    CheckpointStore.writeDurably(dir.resolve(Manifest.FILE),
        Manifest.of(dir, List.of("config.json", CheckpointStore.EMA)).toJson()
            .getBytes(StandardCharsets.UTF_8));
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

  public NoisePredictor predictor() {
    return NoisePredictor.of(network, weights);
  }

  @Override
  public void close() {
    weights.close();
  }
}
