package dev.scoreflow.train;

import dev.scoreflow.spec.TrainConfig;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.scoreflow.checkpoint.CheckpointException;
import dev.scoreflow.checkpoint.CheckpointState;
import dev.scoreflow.checkpoint.CheckpointStore;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.Networks;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.plot.LossCurve;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.NoiseProcesses;
import dev.scoreflow.tensor.HostCopy;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Trains eps_theta with the diffusion objective: Adam, global-norm clipping, EMA, warm-up and
 * cosine learning rate, metrics.csv and checkpoints. Each step's random draws come from the engine
 * generator reseeded with mix(seed, step), so a run resumed from step k draws exactly what an
 * uninterrupted run draws at step k.
 */
public final class Trainer implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(Trainer.class);

  private final TrainConfig config;
  private final RunFolder run;
  private final NDManager manager;
  private final Device device;
  private final EpsNetwork net;
  private final NoiseProcess process;
  private final FlatParameters weights;
  private final ParameterStore params; // views of weights
  private final Ema ema;
  /** Held from start or resume until close; set by the factory methods. */
  private RunLock lock;
  private final Adam adam;
  private final TrainingData data;
  private final DiffusionObjective objective;
  private final OptimizerStep optimizerStep;
  /** The step the loop runs: {@link #optimizerStep}, or it split over devices (splitOver). */
  private TrainingStep trainingStep;
  /** Devices of the checkpoint resumed from (1 for a fresh run or an older checkpoint). */
  private final int resumedDevices;
  private final List<double[]> lossHistory = new ArrayList<>();
  private long step;
  private double lastLr;

  private Trainer(TrainConfig config, RunFolder run, Device device, TrainingData data,
      CheckpointState resumeState, Path resumeFolder) {
    config.validate();
    requireShape(config, data, resumeState);
    this.config = config;
    this.run = run;
    this.device = device;
    this.manager = NDManager.newBaseManager(device);
    this.net = Networks.create(config, manager);
    this.process = NoiseProcesses.of(config);
    this.data = data;
    this.objective = DiffusionObjective.of(config, process);
    ScoreflowEngine.seed(config.seed);
    ParameterStore init = net.initParameters(manager);
    if (resumeFolder == null) {
      this.weights = new FlatParameters(init, manager);
      init.close();
      this.params = weights.views();
      this.ema = new Ema(params, manager, config.emaDecay, config.emaWarmup);
      this.adam = new Adam(params, manager, config.weightDecay);
      this.step = 0;
    } else {
      // Parameters are loaded before anything takes references to them (DJL-NOTES trap 1).
      try (ParameterStore saved = CheckpointStore.readArrays(resumeFolder.resolve(CheckpointStore.MODEL), init, manager)) {
        this.weights = new FlatParameters(saved, manager);
      }
      this.params = weights.views();
      this.ema = new Ema(params, manager, config.emaDecay, config.emaWarmup);
      try (ParameterStore e = CheckpointStore.readArrays(resumeFolder.resolve(CheckpointStore.EMA), init, manager);
          ParameterStore m = CheckpointStore.readArrays(resumeFolder.resolve(CheckpointStore.ADAM_M), init, manager);
          ParameterStore v = CheckpointStore.readArrays(resumeFolder.resolve(CheckpointStore.ADAM_V), init, manager)) {
        ema.restore(e);
        this.adam = new Adam(params, manager, config.weightDecay);
        adam.restore(m, v, resumeState.optimizerSteps);
      }
      init.close();
      this.step = resumeState.step;
      this.lastLr = resumeState.lastLearningRate;
    }
    this.optimizerStep = new OptimizerStep(net, weights, objective, adam, config.gradClip, ema);
    this.trainingStep = optimizerStep;
    this.resumedDevices = resumeState == null ? 1 : Math.max(1, resumeState.devices);
  }

  /** Data of another shape than the network takes (32x32 into a 28x28 model): one line, both shapes. */
  private static void requireShape(TrainConfig config, TrainingData data,
      CheckpointState resumeState) {
    if (resumeState != null) {
      ResumeConfig.requireDataShape(resumeState.config, data.exampleShape());
    }
    long[] netShape = Networks.dataShape(config); // the shape Networks.create builds for
    if (!java.util.Arrays.equals(netShape, data.exampleShape().getShape())) {
      throw new IllegalArgumentException("--data " + config.data + ": the data are "
          + Networks.describe(data.exampleShape().getShape()) + ", the " + config.architecture
          + " network is made for " + Networks.describe(netShape));
    }
  }

  /** A new run in {@code run}; refuses a folder that already holds checkpoints. */
  public static Trainer start(TrainConfig config, RunFolder run, Device device) throws IOException {
    config.validate();
    return open(run, config, device, null, null, () -> {
      if (!run.checkpoints().list().isEmpty()) {
        throw new IllegalArgumentException("--out " + run.root() + " already holds checkpoints;"
            + " add --resume to continue that run, or choose another --out");
      }
    });
  }

  /**
   * Continues a run from {@code checkpoint} (a checkpoint folder) or, when null, from the newest
   * valid checkpoint of the run. {@code requested} and {@code explicit} carry the flags given now.
   */
  public static Trainer resume(RunFolder run, Path checkpoint, TrainConfig requested,
      java.util.Set<String> explicit, Device device) throws IOException {
    CheckpointStore store = run.checkpoints();
    Path folder;
    if (checkpoint != null) {
      dev.scoreflow.checkpoint.Manifest.verify(checkpoint);
      folder = checkpoint;
    } else {
      if (store.list().isEmpty()) {
        throw new CheckpointException("--resume: " + store.dir() + " holds no checkpoints to resume from");
      }
      folder = store.newestValid();
    }
    CheckpointState state = CheckpointStore.readState(folder);
    List<String> changes = new ArrayList<>();
    TrainConfig config = ResumeConfig.merge(state.config, requested, explicit, changes);
    return open(run, config, device, state, folder, () -> {
      LOG.info("Resuming from {} (step {})", folder, state.step);
      String moved = deviceChange(state, device);
      if (moved != null) {
        LOG.warn(moved);
      }
      for (String c : changes) {
        LOG.info("Changed on resume: {}", c);
      }
    });
  }

  /**
   * Null when {@code state} was computed on the same kind of device as {@code device} (or does
   * not say); otherwise the warning that the resumed run will not match an uninterrupted one.
   */
  static String deviceChange(CheckpointState state, Device device) {
    String kind = ScoreflowEngine.deviceKind(device);
    if (state.deviceKind == null || state.deviceKind.equals(kind)) {
      return null;
    }
    return "Resuming on " + device + " a run that computed on " + state.device + " ("
        + state.natives + " natives): it continues, but not bit for bit as an uninterrupted run"
        + " would, since other kernels round differently (README, \"Determinism\")";
  }

  /** Work done under the run folder's lock before the trainer is built. */
  @FunctionalInterface
  private interface UnderLock {
    void run() throws IOException;
  }

  /**
   * What start and resume share: takes the run folder's lock, runs {@code first}, writes the
   * config, builds the trainer (from {@code state}, or fresh when null) and cuts metrics back to
   * its step. The lock goes with the trainer, or at once if anything here fails.
   */
  private static Trainer open(RunFolder run, TrainConfig config, Device device,
      CheckpointState state, Path folder, UnderLock first) throws IOException {
    RunLock lock = RunLock.acquire(run.root());
    try {
      run.checkpoints().removeLeftovers(); // under the lock, so no write of ours is under way
      first.run();
      TrainingData data = TrainingDataFactory.create(config, device);
      Trainer t;
      try {
        recordDataSpec(config, data);
        if (config.dataScale == null) {
          config.dataScale = measureDataScale(data, device);
        }
        CheckpointStore.writeDurably(run.config(), config.toJson().getBytes(StandardCharsets.UTF_8));
        t = new Trainer(config, run, device, data, state, folder);
      } catch (IOException | RuntimeException e) {
        closeQuietly(data);
        throw e;
      }
      t.lock = lock;
      t.resetMetrics(state == null ? 0 : state.step);
      return t;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * Writes what the data are (shape, class names) into the config, so checkpoints and model
   * folders carry it; checks that a class-conditional run has labelled data.
   */
  static void recordDataSpec(TrainConfig config, TrainingData data) {
    long[] shape = data.exampleShape().getShape();
    if (config.dataShape == null) {
      config.dataShape = shape;
    } // else: a resumed run keeps its checkpoint's shape; the network refuses other data
    if (config.classNames == null || config.classNames.isEmpty()) {
      config.classNames = new ArrayList<>(data.classNames());
    }
    if (config.classConditional && config.classNames.isEmpty()) {
      throw new IllegalArgumentException("--class-conditional: the data set '" + config.data
          + "' has no class labels");
    }
  }

  /** Examples read to measure sigma_data: enough for two digits. */
  static final int DATA_SCALE_EXAMPLES = 4096;

  /**
   * sigma_data, the standard deviation of one coordinate of the data, pooled over the coordinates
   * of {@link #DATA_SCALE_EXAMPLES} examples (those of step 0). Read once, before the run is
   * seeded, so the run's own draws are the same with or without it.
   */
  static double measureDataScale(TrainingData data, Device device) {
    try (NDManager m = NDManager.newBaseManager(device)) {
      NDArray x = data.batch(m, 0, DATA_SCALE_EXAMPLES);
      NDArray flat = x.reshape(x.getShape().get(0), -1);
      NDArray centred = flat.sub(flat.mean(new int[] {0}, true));
      return Math.sqrt(HostCopy.scalar(centred.square().mean()));
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // already failing; the first error is the one to report
    }
  }

  public TrainConfig config() {
    return config;
  }

  public EpsNetwork network() {
    return net;
  }

  public NoiseProcess process() {
    return process;
  }

  /** The training weights by name (views of the flat buffer the optimizer updates). */
  public ParameterStore parameters() {
    return params;
  }

  /** The manager that owns every array of this trainer: for leak checks. */
  public NDManager manager() {
    return manager;
  }

  public ParameterStore emaWeights() {
    return ema.weights();
  }

  public Adam optimizer() {
    return adam;
  }

  public long step() {
    return step;
  }

  /**
   * Splits every batch between this trainer's device and {@code others} (data parallel, one
   * update per step: {@link DataParallelStep}). EMA, checkpoints and resume are unchanged.
   */
  public void splitOver(List<Device> others) {
    if (others.isEmpty()) {
      return;
    }
    trainingStep.close();
    trainingStep = new DataParallelStep(optimizerStep, others);
  }

  /** Devices each batch is split over. */
  public int devices() {
    return trainingStep.devices();
  }

  /** The seed of step k's random draws: SplitMix64 of (seed, k). */
  static long stepSeed(long seed, long step) {
    long z = seed * 0x9E3779B97F4A7C15L + step + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Trains until {@code config.steps} or until {@code stop} turns true (checked after each step);
   * then writes a checkpoint and returns its folder.
   */
  public Path run(TrainingListener listener, BooleanSupplier stop) throws IOException {
    Engine engine = ScoreflowEngine.engine();
    LearningRate schedule = LearningRate.of(config);
    if (step > 0 && resumedDevices != devices()) {
      LOG.warn("Resuming on {} device(s) a run that trained on {}: it continues with the same"
          + " updates up to float rounding, not bit for bit", devices(), resumedDevices);
    }
    listener.started(step, config.steps);
    LOG.info("Training {} on {}: {} parameters, steps {}..{}, batch {}", net.architecture(),
        data.describe(), params.parameterCount(), step, config.steps, config.batch);
    NDArray lossSum = manager.zeros(new ai.djl.ndarray.types.Shape());
    int inWindow = 0;
    long windowStart = System.nanoTime();
    Path last = null;
    long lastCheckpointStep = -1;
    try (BufferedWriter metrics = Files.newBufferedWriter(run.metrics(), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      while (step < config.steps && !stop.getAsBoolean()) {
        ScoreflowEngine.seed(stepSeed(config.seed, step));
        lastLr = schedule.at(step);
        trainStep(engine, lossSum, lastLr);
        step++;
        inWindow++;
        if (step % config.logEvery == 0 || step == config.steps) {
          // The one host read of the loop: once per window, so steps never wait for the device.
          double loss = HostCopy.scalar(lossSum) / inWindow;
          if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException("the loss became " + loss + " by step " + step
                + "; try a lower --lr or --grad-clip (the last checkpoint was not overwritten)");
          }
          double rate = inWindow / ((System.nanoTime() - windowStart) / 1e9);
          metrics.write(String.format(Locale.ROOT, "%d,%.6g,%.6g%n", step, loss, lastLr));
          metrics.flush();
          lossHistory.add(new double[] {step, loss});
          listener.logged(step, loss, lastLr, rate);
          lossSum.subi(lossSum);
          inWindow = 0;
          windowStart = System.nanoTime();
        }
        if (config.sampleEvery > 0 && step % config.sampleEvery == 0 && isImages()) {
          Path grid = SamplePreview.write(run.samples(), step, net, ema.weights(), process,
              objective.prediction(), config.dataScaleOrDefault(), config.tMin,
              config.classNames == null ? List.of() : config.classNames, manager);
          LOG.debug("Sample grid: {}", grid);
        }
        if (config.checkpointEvery > 0 && step % config.checkpointEvery == 0) {
          last = checkpoint();
          lastCheckpointStep = step;
          listener.checkpointed(step, last);
        }
      }
    } finally {
      lossSum.close();
    }
    if (lastCheckpointStep != step) {
      last = checkpoint();
      listener.checkpointed(step, last);
    }
    if (!lossHistory.isEmpty()) {
      LossCurve.write(run.lossPlot(), "training loss (" + config.data + ")", lossHistory);
    }
    listener.finished(step);
    return last;
  }

  private boolean isImages() {
    return config.dataSpec().isImages();
  }

  private void trainStep(Engine engine, NDArray lossSum, double lr) {
    try (NDScope scope = new NDScope()) {
      if (config.classConditional) {
        TrainingData.Batch b = data.labelledBatch(manager, step, config.batch);
        lossSum.addi(trainingStep.apply(engine, b.x0(), b.labels(), lr));
      } else {
        lossSum.addi(trainingStep.apply(engine, data.batch(manager, step, config.batch), lr));
      }
    }
  }

  /** Writes a checkpoint of the current state, then prunes old ones per --keep. */
  public Path checkpoint() throws IOException {
    CheckpointState s = new CheckpointState();
    s.step = step;
    s.optimizerSteps = adam.stepCount();
    s.lastLearningRate = lastLr;
    long[] position = data.position(step, config.batch);
    if (position != null) {
      s.dataEpoch = position[0];
      s.dataIndex = position[1];
    }
    s.config = config;
    s.deviceKind = ScoreflowEngine.deviceKind(device);
    s.device = device.toString();
    s.natives = ScoreflowEngine.nativeFlavor();
    s.devices = devices();
    CheckpointStore store = run.checkpoints();
    Path p = store.write(s, params, ema.weights(), adam.firstMoments(), adam.secondMoments());
    store.prune(config.keep, config.keepEvery);
    LOG.debug("Checkpoint written: {}", p);
    return p;
  }

  /** Keeps metrics.csv rows up to {@code upTo} (all rows are dropped for a fresh run). */
  private void resetMetrics(long upTo) throws IOException {
    List<String> keep = new ArrayList<>();
    keep.add("step,loss,lr");
    Path f = run.metrics();
    if (upTo > 0 && Files.exists(f)) {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        String[] parts = line.split(",");
        try {
          long s = Long.parseLong(parts[0]);
          if (s <= upTo) {
            keep.add(line);
            lossHistory.add(new double[] {s, Double.parseDouble(parts[1])});
          }
        } catch (NumberFormatException e) {
          // header or a torn last line
        }
      }
    }
    try {
      Files.write(f, keep, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(f + ": cannot write metrics", e);
    }
  }

  @Override
  public void close() {
    trainingStep.close();
    manager.close();
    data.close(); // an image set sits on the device
    try {
      lock.close(); // last: the folder is consistent now
    } catch (IOException e) {
      LOG.warn("Could not release {}: {}", run.root().resolve(".lock"), e.getMessage());
    }
  }
}
