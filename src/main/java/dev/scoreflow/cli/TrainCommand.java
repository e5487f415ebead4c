package dev.scoreflow.cli;

import ai.djl.Device;
import dev.scoreflow.train.LabelDropout;
import dev.scoreflow.train.RunFolder;
import dev.scoreflow.spec.TrainConfig;
import dev.scoreflow.train.Trainer;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.schedule.NoiseProcess;
import dev.scoreflow.schedule.NoiseProcesses;
import dev.scoreflow.schedule.Prediction;
import dev.scoreflow.model.Networks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code scoreflow train}: flags left out keep the defaults of {@link TrainConfig} for the data
 * set (or, with --resume, the checkpoint's values); flags given are recorded as explicit.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train eps_theta on a data set and write a run folder "
        + "(config.json, metrics.csv, loss.png, checkpoints/).")
final class TrainCommand implements Callable<Integer> {
  private static final Logger LOG = LogManager.getLogger(TrainCommand.class);

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder, e.g. runs/gmm8.")
  Path out;

  @Option(names = "--data", paramLabel = "NAME",
      description = "moons, swissroll, checkerboard, rings, gmm8 (default), or images: mnist, "
          + "fashion-mnist, idx:DIR (IDX files), folder:DIR (PNG/JPEG/BMP/GIF; a subfolder per "
          + "class), cifar10.")
  String data;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where image data sets live (default: datasets).")
  Path dataDir;

  @Option(names = "--image-size", paramLabel = "N",
      description = "Images: resize the shorter side to N and centre-crop N x N (default: keep).")
  Integer imageSize;

  @Option(names = "--channels", paramLabel = "1|3",
      description = "Images: convert to grey (1) or RGB (3) (default: the data's own).")
  Integer imageChannels;

  @Option(names = "--hflip", description = "Images: mirror each example left-right at random"
      + " (natural images; off by default, a mirrored digit is no digit).")
  Boolean randomFlip;

  @Option(names = "--devices", split = ",", paramLabel = "DEV,DEV[,...]",
      description = "Data parallel: split each batch over these devices (e.g. gpu:0,gpu:1); the"
          + " first holds the weights, sums the gradients and steps once. Instead of --device.")
  java.util.List<String> devices;

  @Option(names = "--resume", arity = "0..1", fallbackValue = "", paramLabel = "CHECKPOINT",
      description = "Continue the run in --out from its newest valid checkpoint, or from CHECKPOINT.")
  String resume;

  @Option(names = "--steps", description = "Total steps of the run (default 3000 for 2-D).")
  Long steps;

  @Option(names = "--batch", description = "Batch size (default 1024 for 2-D, 128 for images).")
  Integer batch;

  @Option(names = "--lr", description = "Peak learning rate (default 2e-3 for 2-D, 2e-4 for images).")
  Double lr;

  @Option(names = "--warmup", description = "Linear warm-up steps (default 100).")
  Integer warmup;

  @Option(names = "--lr-schedule", paramLabel = "constant|cosine", description = "After warm-up (default cosine).")
  String lrSchedule;

  @Option(names = "--weight-decay", description = "Decoupled weight decay, AdamW style (default 0).")
  Double weightDecay;

  @Option(names = "--grad-clip", description = "Global gradient-norm clip, 0 = off (default 1).")
  Double gradClip;

  @Option(names = "--ema-decay", description = "EMA decay of the weights used for sampling (default 0.995 for 2-D, 0.999 for images).")
  Double emaDecay;

  @Option(names = {"--process", "--schedule"}, paramLabel = "NAME",
      description = "Noise process: vp-linear (default), vp-cosine, ve, ddpm, rectified-flow,"
          + " pfgm (Poisson flow, see --pfgm-d), tanh-kernel. --schedule is the old name.")
  String schedule;

  @Option(names = "--prediction", paramLabel = "eps|x0|velocity|edm",
      description = "What the network predicts: the noise, x_0, the velocity, or EDM's"
          + " preconditioned x_0 (default: velocity for rectified-flow, edm for kernel processes,"
          + " eps for the others).")
  String prediction;

  @Option(names = "--stable-target", negatable = true, description = "Average each training"
      + " target over the batch's x_0 (lower variance; on by default for pfgm and tanh-kernel,"
      + " off for the others).")
  Boolean stableTarget;

  @Option(names = "--ve-sigma-max", description = "Largest noise scale sigma_max of ve, pfgm"
      + " and tanh-kernel (default 10).")
  Double veSigmaMax;

  @Option(names = "--pfgm-d", paramLabel = "D", description = "Extra dimensions D of --process"
      + " pfgm: 1 is PFGM, larger D is PFGM++ (default 1).")
  Integer pfgmD;

  @Option(names = "--time", paramLabel = "continuous|discrete|logit-normal",
      description = "Training times: t ~ U(t-min, 1), DDPM's integer steps i/N, or logit-normal"
          + " (see --time-mean, --time-std) (default continuous).")
  String timeSampling;

  @Option(names = "--time-mean", paramLabel = "M", description = "--time logit-normal:"
      + " location of logit(t) (default 0).")
  Double timeMean;

  @Option(names = "--time-std", paramLabel = "S", description = "--time logit-normal:"
      + " scale of logit(t) (default 1).")
  Double timeStd;

  @Option(names = "--loss-weight", paramLabel = "uniform|min-snr", description = "Weight of each"
      + " example's error by its time: the prediction's own loss, or Min-SNR-gamma"
      + " (default uniform).")
  String lossWeight;

  @Option(names = "--min-snr-gamma", paramLabel = "G", description = "--loss-weight min-snr:"
      + " the cap gamma of min(SNR, gamma) (default 5).")
  Double minSnrGamma;

  @Option(names = "--t-min", description = "Smallest training and sampling time (default 1e-3).")
  Double tMin;

  @Option(names = "--width", description = "Hidden width of the 2-D MLP (default 256).")
  Integer width;

  @Option(names = "--arch", paramLabel = "NAME",
      description = "Network: mlp (2-D points, the default there), unet-s (the reference UNet-S,"
          + " the default for images), unet-m (for 32x32 RGB), or unet (configurable; UNet-S's"
          + " values unless the flags below say otherwise).")
  String arch;

  @Option(names = "--model-channels", paramLabel = "C",
      description = "UNets: base channels, level 0's (unet-s 32, unet-m 48).")
  Integer modelChannels;

  @Option(names = "--channel-mult", split = ",", paramLabel = "M,M,...",
      description = "UNets: each level's channels as a multiple of --model-channels; one level per"
          + " factor, each halving the image (unet-s 1,2; unet-m 1,2,2).")
  List<Integer> channelMult;

  @Option(names = "--res-blocks", paramLabel = "N",
      description = "UNets: residual blocks per level (default 2).")
  Integer resBlocks;

  @Option(names = "--attention-res", paramLabel = "R,R,...|none",
      description = "UNets: resolutions (feature-map heights) whose blocks get self-attention,"
          + " the middle's included (unet-s: 7 for 28x28, the middle; unet-m: 16,8 for 32x32).")
  String attentionRes;

  @Option(names = "--dropout", paramLabel = "P",
      description = "UNets: dropout in the residual blocks while training (default 0).")
  Double dropout;

  @Option(names = "--groups", paramLabel = "G", description = "UNets: GroupNorm groups (default 8).")
  Integer groups;
  @Option(names = "--class-conditional", description = "Train one network that is both"
      + " class-conditional and (through a learned null class) unconditional, for `sample --class`"
      + " and --guidance; the data must have class labels.")
  Boolean classConditional;

  @Option(names = "--label-dropout", paramLabel = "P", description = "With --class-conditional:"
      + " probability in [0, 1] that a label is replaced by the null class (default 0.1).")
  Double labelDropout;

  @Option(names = "--seed", description = "Seed of every random draw of the run (default 0).")
  Long seed;

  @Option(names = "--checkpoint-every", paramLabel = "N", description = "Also checkpoint every N steps (default 0 = only at the end).")
  Long checkpointEvery;

  @Option(names = "--keep", paramLabel = "K", description = "Keep the newest K valid checkpoints, 0 = all (default 3).")
  Integer keep;

  @Option(names = "--keep-every", paramLabel = "M", description = "Also keep checkpoints at multiples of M steps.")
  Long keepEvery;

  @Option(names = "--log-every", paramLabel = "N", description = "Write a metrics.csv row every N steps (default 10).")
  Integer logEvery;

  @Option(names = "--sample-every", paramLabel = "N", description = "Image runs: write a sample grid every N steps.")
  Long sampleEvery;

  @Mixin GlobalOptions global;

  /** Applies the given flags to {@code c}; returns the config field names that were given. */
  Set<String> applyFlags(TrainConfig c) {
    Set<String> given = new HashSet<>();
    if (dataDir != null) {
      c.dataDir = dataDir.toString();
      given.add("dataDir");
    }
    given.addAll(set(c, "imageSize", imageSize));
    given.addAll(set(c, "imageChannels", imageChannels));
    given.addAll(set(c, "randomFlip", randomFlip));
    given.addAll(set(c, "steps", steps));
    given.addAll(set(c, "batch", batch));
    given.addAll(set(c, "lr", lr));
    given.addAll(set(c, "warmup", warmup));
    given.addAll(set(c, "lrSchedule", lrSchedule));
    given.addAll(set(c, "weightDecay", weightDecay));
    given.addAll(set(c, "gradClip", gradClip));
    given.addAll(set(c, "emaDecay", emaDecay));
    given.addAll(set(c, "schedule", schedule));
    given.addAll(set(c, "prediction", prediction));
    given.addAll(set(c, "stableTarget", stableTarget));
    given.addAll(set(c, "veSigmaMax", veSigmaMax));
    given.addAll(set(c, "pfgmD", pfgmD));
    given.addAll(set(c, "timeSampling", timeSampling));
    given.addAll(set(c, "timeMean", timeMean));
    given.addAll(set(c, "timeStd", timeStd));
    given.addAll(set(c, "lossWeight", lossWeight));
    given.addAll(set(c, "minSnrGamma", minSnrGamma));
    given.addAll(set(c, "tMin", tMin));
    given.addAll(set(c, "width", width));
    given.addAll(set(c, "architecture", arch));
    given.addAll(set(c, "modelChannels", modelChannels));
    given.addAll(set(c, "channelMult", channelMult == null ? null
        : channelMult.stream().mapToInt(Integer::intValue).toArray()));
    given.addAll(set(c, "resBlocks", resBlocks));
    given.addAll(set(c, "attentionRes", attentionRes == null ? null
        : parseResolutions(attentionRes)));
    given.addAll(set(c, "dropout", dropout));
    given.addAll(set(c, "groups", groups));
    given.addAll(set(c, "seed", seed));
    given.addAll(set(c, "classConditional", classConditional));
    given.addAll(set(c, "labelDropout", labelDropout));
    given.addAll(set(c, "checkpointEvery", checkpointEvery));
    given.addAll(set(c, "keep", keep));
    given.addAll(set(c, "keepEvery", keepEvery));
    given.addAll(set(c, "logEvery", logEvery));
    given.addAll(set(c, "sampleEvery", sampleEvery));
    if (data != null) {
      given.add("data");
    }
    return given;
  }

  /** {@code --attention-res}: comma-separated resolutions, or {@code none}. */
  static int[] parseResolutions(String value) {
    if (value.trim().equalsIgnoreCase("none")) {
      return new int[0];
    }
    try {
      return java.util.Arrays.stream(value.split(",")).map(String::trim)
          .mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--attention-res: expected resolutions such as 16,8 or"
          + " none, got '" + value + "'");
    }
  }

  private static Set<String> set(TrainConfig c, String field, Object value) {
    if (value == null) {
      return Set.of();
    }
    try {
      TrainConfig.class.getField(field).set(c, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    return Set.of(field);
  }

  @Override
  public Integer call() throws Exception {
    TrainConfig config = TrainConfig.defaultsFor(data == null ? "gmm8" : data);
    Set<String> given = applyFlags(config);
    if (imageSize != null && imageSize == 0) {
      throw new IllegalArgumentException("--image-size must lie in 1..1024 pixels, got 0 (leave"
          + " the flag out to keep the data's size)");
    }
    config.validate();
    NoiseProcess process = NoiseProcesses.of(config);
    Prediction resolved = Prediction.resolve(config.prediction, process);
    if (resume == null) {
      // a new run records the defaults it trains with, so later defaults cannot reread it
      config.prediction = resolved.id();
      if (config.stableTarget == null) {
        config.stableTarget = process.defaultStableTarget();
      }
      Networks.validate(config); // the model flags, before any data are read
    }
    checkConditioning();
    if (devices != null && !"auto".equals(global.device)) {
      throw new IllegalArgumentException("--devices and --device: give one of them (the first of"
          + " --devices is where the weights live)");
    }
    if (devices != null) {
      global.device = devices.get(0);
    }
    Device device = global.start();
    List<Device> others = new ArrayList<>();
    if (devices != null) {
      for (String d : devices.subList(1, devices.size())) {
        others.add(ScoreflowEngine.chooseDevice(d)); // names the flag if that GPU is missing
      }
      if (config.batch < devices.size()) {
        throw new IllegalArgumentException("--devices: " + devices.size() + " devices need a"
            + " --batch of at least " + devices.size() + ", got " + config.batch);
      }
    }
    RunFolder run = new RunFolder(out);
    AtomicBoolean stop = new AtomicBoolean();
    installStopHandlers(stop);
    try (Trainer trainer = resume == null
        ? Trainer.start(config, run, device)
        : Trainer.resume(run, resume.isEmpty() ? null : Path.of(resume), config, given, device);
        ProgressReporter progress = new ProgressReporter("train " + out.getFileName())) {
      trainer.splitOver(others);
      if (!others.isEmpty()) {
        LOG.info("Each batch of {} is split over {} devices: {}", config.batch, devices.size(),
            devices);
      }
      Path last = trainer.run(progress, stop::get);
      progress.close();
      if (stop.get() && trainer.step() < trainer.config().steps) {
        System.out.println("Interrupted at step " + trainer.step() + "; checkpoint written to "
            + last + ". Resume with: scoreflow train --out " + out + " --resume");
      } else {
        System.out.println("Trained " + trainer.step() + " steps; checkpoint " + last
            + "; metrics " + run.metrics() + "; loss curve " + run.lossPlot());
      }
    }
    return 0;
  }

  /** The class-conditioning flags, before any work (a resumed run keeps its checkpoint's). */
  private void checkConditioning() {
    if (labelDropout != null) {
      new LabelDropout(labelDropout, 0); // names --label-dropout unless it lies in [0, 1]
      if (classConditional == null && resume == null) {
        throw new IllegalArgumentException("--label-dropout applies only with --class-conditional");
      }
    }
  }

  /** SIGINT/SIGTERM finish the current step and checkpoint; a second signal exits at once. */
  private static void installStopHandlers(AtomicBoolean stop) {
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(new Signal(name), sig -> {
          if (stop.getAndSet(true)) {
            System.err.println("Second signal: exiting without a new checkpoint"
                + " (the last complete one is intact).");
            Runtime.getRuntime().halt(130);
          }
          LOG.warn("SIG{} received: finishing this step and writing a checkpoint"
              + " (signal again to quit at once)", sig.getName());
        });
      } catch (IllegalArgumentException e) {
        LOG.debug("cannot handle SIG{}: {}", name, e.getMessage());
      }
    }
  }
}
