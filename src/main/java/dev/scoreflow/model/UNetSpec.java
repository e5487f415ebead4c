package dev.scoreflow.model;

import ai.djl.ndarray.types.Shape;
import dev.scoreflow.spec.TrainConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The settings of one {@link UNet}: a preset ({@code unet}, {@code unet-s}, {@code unet-m}) with
 * the model flags of {@code train} laid over it, the input shape C x H x W from the data and the
 * number of classes. Every check that a UNet of these settings can be built runs here, before any
 * array is made, and fails with one line naming the flag.
 *
 * <p>The UNet has L = |channel-mult| levels; level i works at resolution H / 2^i with
 * channels x mult[i] channels and ends in a stride-2 convolution, so the middle works at
 * H / 2^L. A "resolution" is a feature map's height (its width for square data too).
 */
public final class UNetSpec {
  /** A preset's values; attention is given by level index (L is the middle) so it fits any size. */
  private static final class Preset {
    final int channels;
    final int[] mult;
    final int resBlocks;
    final int[] attentionLevels;
    final int groups;

    Preset(int channels, int[] mult, int resBlocks, int[] attentionLevels, int groups) {
      this.channels = channels;
      this.mult = mult;
      this.resBlocks = resBlocks;
      this.attentionLevels = attentionLevels;
      this.groups = groups;
    }
  }

  private static final int MIDDLE = -1;
  /** Architecture name -> preset. {@code unet} is the configurable UNet with UNet-S's values. */
  private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();

  static {
    // UNet-S: the reference (docs/reference.md): 32 channels x (1, 2), 2 blocks, attention
    // only in the middle (7x7 for 28x28), GroupNorm(8).
    PRESETS.put("unet", new Preset(32, new int[] {1, 2}, 2, new int[] {MIDDLE}, 8));
    PRESETS.put(UNetS.ARCHITECTURE, new Preset(32, new int[] {1, 2}, 2, new int[] {MIDDLE}, 8));
    // UNet-M for 32x32 RGB: 48 channels x (1, 2, 2), levels at 32, 16, 8 (middle 4), attention
    // at 16 and 8; 3,053,811 parameters, about 2-4x UNet-S's time per image (README).
    PRESETS.put("unet-m", new Preset(48, new int[] {1, 2, 2}, 2, new int[] {1, 2}, 8));
  }

  /** The UNet architecture names (the presets). */
  public static List<String> names() {
    return List.copyOf(PRESETS.keySet());
  }

  public static boolean isUNet(String architecture) {
    return PRESETS.containsKey(architecture);
  }

  public final String architecture;
  public final int inChannels;
  public final int height;
  public final int width;
  /** Base channel count (level 0); also the width of the sinusoidal time embedding. */
  public final int channels;
  public final int[] channelMult;
  public final int resBlocks;
  /** Resolutions (heights) whose blocks get self-attention; the middle's included when listed. */
  public final int[] attentionRes;
  public final double dropout;
  public final int groups;
  /** K of a class-conditional UNet (K + 1 embedding rows, row K the null class); 0: none. */
  public final int numClasses;

  private UNetSpec(String architecture, int inChannels, int height, int width, int channels,
      int[] channelMult, int resBlocks, int[] attentionRes, double dropout, int groups,
      int numClasses) {
    this.architecture = architecture;
    this.inChannels = inChannels;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.channelMult = channelMult.clone();
    this.resBlocks = resBlocks;
    this.attentionRes = attentionRes.clone();
    this.dropout = dropout;
    this.groups = groups;
    this.numClasses = numClasses;
  }

  /** UNet-S exactly as the reference: 1x28x28, unconditional. */
  public static UNetSpec unetS() {
    TrainConfig c = new TrainConfig();
    c.architecture = UNetS.ARCHITECTURE;
    c.dataShape = new long[] {1, 28, 28};
    return of(c);
  }

  /**
   * The settings {@code config} asks for: its architecture's preset, the model flags that are
   * set (0 or null keeps the preset's value), the data's shape ({@link Networks#dataShape}) and,
   * for {@code --class-conditional}, the data's classes. Checked in full.
   */
  public static UNetSpec of(TrainConfig config) {
    UNetSpec s = unchecked(config, Networks.dataShape(config));
    // Class names are recorded from the data with the shape, so this waits for them too.
    require(!config.classConditional || s.numClasses > 0, "--class-conditional: the data (--data "
        + config.data + ") carry no class labels");
    s.checkShapeFree();
    s.checkShape();
    return s;
  }

  /**
   * The checks that need no data shape (widths, groups, dropout, ...), for the command line to
   * run before the data are read; {@link #of} runs them all.
   */
  public static void checkFlags(TrainConfig config) {
    unchecked(config, Networks.dataShape(config)).checkShapeFree();
    if (config.dataShape != null) {
      of(config);
    }
  }

  private static UNetSpec unchecked(TrainConfig c, long[] shape) {
    Preset p = PRESETS.get(c.architecture);
    if (p == null) {
      throw new IllegalArgumentException("--arch: '" + c.architecture + "' is no UNet, expected one of "
          + names());
    }
    if (shape.length != 3) {
      throw new IllegalArgumentException("--arch " + c.architecture + " is for images (C x H x W);"
          + " the data (--data " + c.data + ") are points in R^" + shape[0] + ": use --arch mlp");
    }
    int channels = c.modelChannels != 0 ? c.modelChannels : p.channels;
    int[] mult = c.channelMult != null ? c.channelMult : p.mult;
    int resBlocks = c.resBlocks != 0 ? c.resBlocks : p.resBlocks;
    int groups = c.groups != 0 ? c.groups : p.groups;
    int height = (int) shape[1];
    int[] attention;
    if (c.attentionRes != null) {
      attention = c.attentionRes;
    } else {
      int levels = mult.length;
      attention = Arrays.stream(p.attentionLevels)
          .map(l -> height >> (l == MIDDLE ? levels : l)).toArray();
    }
    int classes = c.classConditional ? c.classNames.size() : 0;
    return new UNetSpec(c.architecture, (int) shape[0], height, (int) shape[2], channels, mult,
        resBlocks, attention, c.dropout, groups, classes);
  }

  private void checkShapeFree() {
    require(channels >= 1, "--model-channels must be at least 1 (0 keeps the preset's), got "
        + channels);
    require(channelMult.length >= 1, "--channel-mult needs at least one factor");
    for (int m : channelMult) {
      require(m >= 1, "--channel-mult: every factor must be at least 1, got " + join(channelMult));
    }
    require(resBlocks >= 1, "--res-blocks must be at least 1 (0 keeps the preset's), got "
        + resBlocks);
    require(dropout >= 0 && dropout < 1, "--dropout must lie in [0, 1), got " + dropout);
    require(groups >= 1, "--groups must be at least 1 (0 keeps the preset's), got " + groups);
    for (int i = 0; i < channelMult.length; i++) {
      int c = levelChannels(i);
      require(c % groups == 0, "--groups " + groups + " does not divide the " + c
          + " channels of level " + i + " (--model-channels " + channels + " x --channel-mult "
          + channelMult[i] + "); GroupNorm needs whole groups");
    }
    for (int r : attentionRes) {
      require(r >= 1, "--attention-res: resolutions are at least 1, got " + join(attentionRes));
    }
  }

  private void checkShape() {
    require(inChannels >= 1 && height >= 1 && width >= 1, "the data shape " + describeShape()
        + " has an empty axis");
    int levels = channelMult.length;
    int factor = 1 << Math.min(levels, 30);
    require(levels < 30 && height % factor == 0 && width % factor == 0,
        "--channel-mult " + join(channelMult) + " gives " + levels + " levels that each halve the"
            + " image, so its height and width must be multiples of " + factor + "; the data are "
            + describeShape());
    List<Integer> have = resolutions();
    for (int r : attentionRes) {
      require(have.contains(r), "--attention-res " + r + ": no block works at that resolution;"
          + " for " + describeShape() + " data and --channel-mult " + join(channelMult)
          + " the resolutions are " + have.stream().map(String::valueOf)
          .collect(Collectors.joining(", ")) + " (the last is the middle)");
    }
  }

  /** The heights of the levels, then the middle's. */
  public List<Integer> resolutions() {
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i <= channelMult.length; i++) {
      r.add(height >> i);
    }
    return r;
  }

  public int levels() {
    return channelMult.length;
  }

  /** Channels of level i: channels x mult[i]. */
  public int levelChannels(int level) {
    return channels * channelMult[level];
  }

  /** Whether the blocks at resolution {@code height >> level} get attention (level L: middle). */
  public boolean attentionAt(int level) {
    int r = height >> level;
    return IntStream.of(attentionRes).anyMatch(a -> a == r);
  }

  /** Width of the sinusoidal time embedding: the base channels, rounded up to even. */
  public int embedDim() {
    return channels + channels % 2;
  }

  /** Width of the time (and class) embedding: 4 x the base channels, as in the reference. */
  public int tembDim() {
    return 4 * channels;
  }

  public Shape dataShape() {
    return new Shape(inChannels, height, width);
  }

  private String describeShape() {
    return inChannels + "x" + height + "x" + width;
  }

  /** One line for logs: e.g. {@code unet-m 3x32x32: 48 channels x 1,2,2, 2 res-blocks, ...}. */
  public String describe() {
    return architecture + " " + describeShape() + ": " + channels + " channels x "
        + join(channelMult) + ", " + resBlocks + " res-blocks per level, attention at "
        + (attentionRes.length == 0 ? "none" : join(attentionRes)) + ", dropout " + dropout
        + ", " + groups + " groups" + (numClasses > 0 ? ", " + numClasses + " classes + null" : "");
  }

  private static String join(int[] v) {
    return Arrays.stream(v).mapToObj(String::valueOf).collect(Collectors.joining(","));
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
