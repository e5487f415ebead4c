package dev.scoreflow.spec;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Everything that defines a training run, stored as config.json in the run folder and in every
 * checkpoint. Field names are the JSON keys; defaults give a good 2-D model.
 */
public final class TrainConfig {
  public static final int FORMAT_VERSION = 1;

  public int formatVersion = FORMAT_VERSION;
  /** Data set: a 2-D name (gmm8, moons, ...) or an image set. */
  public String data = "gmm8";
  public String dataDir = null;
  /** Image sets only: mirror each example left-right with probability 1/2. Off: a mirrored digit is no digit. */
  public boolean randomFlip = false;
  /** Network: {@code mlp} for 2-D, {@code unet-s} for 28x28 images. */
  public String architecture = "mlp";
  public int width = 256;
  public String schedule = "vp-linear";
  /** VE's largest noise scale; about the data's diameter. */
  public double veSigmaMax = dev.scoreflow.schedule.Ve.DEFAULT_SIGMA_MAX;
  public static final String TIME_CONTINUOUS = "continuous";
  public static final String TIME_DISCRETE = "discrete";
  public static final String TIME_LOGIT_NORMAL = "logit-normal";
  /**
   * {@code --time}: {@code continuous}: t ~ U(tMin, 1); {@code discrete}: t = i/N, i ~ U{1..N}
   * (DDPM); {@code logit-normal}: t = tMin + (1 - tMin) sigmoid(timeMean + timeStd z).
   */
  public String timeSampling = TIME_CONTINUOUS;
  /** {@code --time-mean}: the logit-normal's location (0 centres it on t = 1/2). */
  public double timeMean = 0.0;
  /** {@code --time-std}: the logit-normal's scale. */
  public double timeStd = 1.0;
  public static final String LOSS_UNIFORM = "uniform";
  public static final String LOSS_MIN_SNR = "min-snr";
  /** {@code --loss-weight uniform|min-snr}: how much each example's error counts by its time. */
  public String lossWeight = LOSS_UNIFORM;
  /** {@code --min-snr-gamma}: the cap gamma of min(SNR, gamma). */
  public double minSnrGamma = 5.0;
  public int discreteSteps = 1000;
  public double tMin = 1e-3;
  public long steps = 3000;
  public int batch = 1024;
  public double lr = 2e-3;
  public int warmup = 100;
  /** {@code constant} or {@code cosine} (to 0 at the last step), after the warm-up. */
  public String lrSchedule = "cosine";
  public double weightDecay = 0.0;
  /** Global gradient-norm clip; 0 turns it off. */
  public double gradClip = 1.0;
  public double emaDecay = 0.995;
  /** Ramp the EMA decay up as min(emaDecay, (1 + k)/(10 + k)) over the first updates. */
  public boolean emaWarmup = true;
  // ---- Image data (issue 11): the shape comes from the data; these only transform it. ----
  /** {@code --channels 1|3}: convert images to grey or RGB; 0 keeps the data's own channels. */
  public int imageChannels = 0;
  /** {@code --image-size N}: resize (shorter side) and centre-crop to N x N; 0 keeps the size. */
  public int imageSize = 0;
  /** Shape of one example [2] or [C, H, W], recorded from the data when training starts. */
  public long[] dataShape = null;
  /** Class names in label order, recorded from the data (empty: unlabelled). */
  public java.util.List<String> classNames = new java.util.ArrayList<>();

  // ---- Class conditioning (issue 11). ----
  /** {@code --class-conditional}: one network, conditional and (via a null class) unconditional. */
  public boolean classConditional = false;
  /** {@code --label-dropout}: probability a label is replaced by the null class in training. */
  public double labelDropout = 0.1;

  // ---- Configurable UNet (issue 11); null/0 means the preset's value. ----
  /** {@code --model-channels}: base channel count of {@code --arch unet}. */
  public int modelChannels = 0;
  /** {@code --channel-mult}, e.g. [1, 2, 2]. */
  public int[] channelMult = null;
  /** {@code --res-blocks} per resolution. */
  public int resBlocks = 0;
  /** {@code --attention-res}: resolutions (e.g. 14, or 16 and 8) that get self-attention. */
  public int[] attentionRes = null;
  /** {@code --dropout} in the residual blocks. */
  public double dropout = 0.0;
  /** {@code --groups} of GroupNorm. */
  public int groups = 0;

  // ---- Processes and parameterisations (issue 12). {@code schedule} holds the process name. ----
  /** {@code --prediction eps|x0|velocity|edm}; null means the process's default. */
  public String prediction = null;
  /**
   * sigma_data, the data's per-coordinate standard deviation, measured when training starts
   * (EDM's preconditioning reads it); null in configs written before it was recorded.
   */
  public Double dataScale = null;
  /** EDM's sigma_data for images in [-1, 1]: the scale of runs that did not record theirs. */
  public static final double DEFAULT_DATA_SCALE = 0.5;

  /** {@link #dataScale}, or {@link #DEFAULT_DATA_SCALE} for configs without it. */
  public double dataScaleOrDefault() {
    return dataScale == null ? DEFAULT_DATA_SCALE : dataScale;
  }

  /**
   * {@code --[no-]stable-target}: batch-averaged training targets (docs/theory.md, "Stable
   * targets"); null means the process's default (on for kernel processes).
   */
  public Boolean stableTarget = null;
  /** {@code --pfgm-d}: the augmented dimension D of PFGM++ (1 is PFGM). */
  public int pfgmD = 1;

  public long seed = 0;
  public long checkpointEvery = 0;
  /** Keep the newest K valid checkpoints (0 keeps all) ... */
  public int keep = 3;
  /** ... and every checkpoint whose step is a multiple of this (0: none). */
  public long keepEvery = 0;
  public int logEvery = 10;
  public long sampleEvery = 0;

  /** Image data set names; everything else is a 2-D set. */
  public static boolean isImageData(String data) {
    return dev.scoreflow.data.ImageSource.isImageData(data);
  }

  /**
   * What one example of this run's data is, as recorded from the data when training started
   * ({@link #dataShape}, {@link #classNames}). Configs written before that was recorded hold
   * 1x28x28 images or 2-D points, told apart by the data set's name.
   */
  public DataSpec dataSpec() {
    java.util.List<String> names = classNames == null ? java.util.List.of() : classNames;
    if (dataShape != null) {
      return DataSpec.ofShape(dataShape, names);
    }
    return isImageData(data) ? DataSpec.images(1, 28, 28, names) : DataSpec.points(2, names);
  }

  /** Defaults that suit the data set: the MLP for 2-D points, UNet-S for 28x28 images. */
  public static TrainConfig defaultsFor(String data) {
    TrainConfig c = new TrainConfig();
    c.data = data;
    if (isImageData(data)) {
      c.architecture = "unet-s";
      c.batch = 128;
      c.lr = 2e-4;
      c.emaDecay = 0.999;
      c.steps = 20000;
      c.warmup = 500;
      c.lrSchedule = "constant";
      c.checkpointEvery = 500;
      c.sampleEvery = 500;
      c.logEvery = 10;
    }
    return c;
  }

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

  public String toJson() {
    return GSON.toJson(this);
  }

  public static TrainConfig fromJson(String json, String source) {
    try {
      TrainConfig c = GSON.fromJson(json, TrainConfig.class);
      if (c == null) {
        throw new IllegalArgumentException(source + ": empty config");
      }
      if (c.formatVersion != FORMAT_VERSION) {
        throw new IllegalArgumentException(source + ": config format version " + c.formatVersion
            + ", this scoreflow reads version " + FORMAT_VERSION);
      }
      return c;
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(source + ": not a valid config JSON (" + e.getMessage() + ")");
    }
  }

  public static TrainConfig read(Path file) {
    try {
      return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read config (" + e.getMessage() + ")");
    }
  }

  public TrainConfig copy() {
    return fromJson(toJson(), "copy");
  }

  /** Checks value ranges; messages name the flag a user would change. */
  public void validate() {
    require(steps >= 1, "--steps must be at least 1, got " + steps);
    require(batch >= 1, "--batch must be at least 1, got " + batch);
    require(lr > 0, "--lr must be positive, got " + lr);
    require(warmup >= 0, "--warmup must be >= 0, got " + warmup);
    require(emaDecay >= 0 && emaDecay < 1, "--ema-decay must lie in [0, 1), got " + emaDecay);
    require(gradClip >= 0, "--grad-clip must be >= 0, got " + gradClip);
    require(weightDecay >= 0, "--weight-decay must be >= 0, got " + weightDecay);
    require(tMin > 0 && tMin < 0.5, "--t-min must lie in (0, 0.5), got " + tMin);
    require(imageSize >= 0 && imageSize <= 1024,
        "--image-size must lie in 1..1024 pixels, got " + imageSize);
    require(imageChannels == 0 || imageChannels == 1 || imageChannels == 3,
        "--channels must be 1 (grey) or 3 (RGB), got " + imageChannels);
    require(width >= 8, "--width must be at least 8, got " + width);
    require(logEvery >= 1, "--log-every must be at least 1, got " + logEvery);
    require(checkpointEvery >= 0, "--checkpoint-every must be >= 0, got " + checkpointEvery);
    require(keep >= 0, "--keep must be >= 0, got " + keep);
    require(keepEvery >= 0, "--keep-every must be >= 0, got " + keepEvery);
    require(lrSchedule.equals("constant") || lrSchedule.equals("cosine"),
        "--lr-schedule: expected constant or cosine, got '" + lrSchedule + "'");
    require(timeSampling.equals(TIME_CONTINUOUS) || timeSampling.equals(TIME_DISCRETE)
        || timeSampling.equals(TIME_LOGIT_NORMAL),
        "--time: expected continuous, discrete or logit-normal, got '" + timeSampling + "'");
    require(timeStd > 0 && timeStd <= 10, "--time-std must lie in (0, 10], got " + timeStd);
    require(Math.abs(timeMean) <= 10, "--time-mean must lie in [-10, 10], got " + timeMean);
    require(lossWeight.equals(LOSS_UNIFORM) || lossWeight.equals(LOSS_MIN_SNR),
        "--loss-weight: expected uniform or min-snr, got '" + lossWeight + "'");
    require(minSnrGamma > 0, "--min-snr-gamma must be positive, got " + minSnrGamma);
    require(timeSampling.equals(TIME_LOGIT_NORMAL) || (timeMean == 0 && timeStd == 1),
        "--time-mean and --time-std apply only with --time logit-normal");
    require(lossWeight.equals(LOSS_MIN_SNR) || minSnrGamma == 5.0,
        "--min-snr-gamma applies only with --loss-weight min-snr");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
