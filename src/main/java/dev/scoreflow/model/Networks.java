package dev.scoreflow.model;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.spec.TrainConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Architecture name -> network: {@code mlp} for 2-D points; {@code unet-s} (the reference UNet-S,
 * the default for images), {@code unet-m} (for 32x32 RGB) and {@code unet} (configurable, UNet-S's
 * values by default), all one {@link UNet} with different presets ({@link UNetSpec}). A new
 * network is one class and one line in {@link #REGISTRY}.
 */
public final class Networks {
  private Networks() {}

  private static final Map<String, BiFunction<TrainConfig, NDManager, EpsNetwork>> REGISTRY =
      new LinkedHashMap<>();

  static {
    REGISTRY.put("mlp", (c, m) -> new ToyMlp(m, c.width, (int) dataShape(c)[0], classes(c)));
    REGISTRY.put(UNetS.ARCHITECTURE, (c, m) -> new UNetS(m, UNetSpec.of(c)));
    REGISTRY.put("unet-m", (c, m) -> new UNet(m, UNetSpec.of(c)));
    REGISTRY.put("unet", (c, m) -> new UNet(m, UNetSpec.of(c)));
  }

  /** The architecture names, for --help and error messages. */
  public static List<String> names() {
    return List.copyOf(REGISTRY.keySet());
  }

  /** The network of {@code config}; {@code constants} owns its fixed arrays. */
  public static EpsNetwork create(TrainConfig config, NDManager constants) {
    check(config);
    return REGISTRY.get(config.architecture).apply(config, constants);
  }

  /**
   * Checks the architecture and the model flags against each other and, once the data's shape
   * is recorded, against the data; one line naming the flag. Makes no arrays: the command line
   * runs it before reading any data ({@link #create} checks again, with the data's shape).
   */
  public static void validate(TrainConfig config) {
    check(config);
    // No shape recorded yet: the kind of data is still known from its name.
    if (config.dataShape == null && TrainConfig.isImageData(config.data)
        != UNetSpec.isUNet(config.architecture)) {
      throw new IllegalArgumentException("--arch " + config.architecture + " does not fit --data "
          + config.data + ": " + (UNetSpec.isUNet(config.architecture)
          ? "a UNet is for images, use --arch mlp for 2-D points"
          : "the MLP is for 2-D points, use --arch " + UNetS.ARCHITECTURE + " or another UNet"
              + " for images"));
    }
  }

  private static void check(TrainConfig config) {
    if (!REGISTRY.containsKey(config.architecture)) {
      throw new IllegalArgumentException("--arch: unknown architecture '" + config.architecture
          + "', expected one of " + names());
    }
    if (UNetSpec.isUNet(config.architecture)) {
      UNetSpec.checkFlags(config);
      return;
    }
    List<String> unetFlags = new ArrayList<>();
    addIf(unetFlags, config.modelChannels != 0, "--model-channels");
    addIf(unetFlags, config.channelMult != null, "--channel-mult");
    addIf(unetFlags, config.resBlocks != 0, "--res-blocks");
    addIf(unetFlags, config.attentionRes != null, "--attention-res");
    addIf(unetFlags, config.dropout != 0, "--dropout");
    addIf(unetFlags, config.groups != 0, "--groups");
    if (!unetFlags.isEmpty()) {
      throw new IllegalArgumentException(String.join(", ", unetFlags) + ": for the UNets ("
          + UNetSpec.names() + "), not for --arch " + config.architecture);
    }
    long[] shape = dataShape(config);
    if (shape.length != 1) {
      throw new IllegalArgumentException("--arch " + config.architecture + " is for points in"
          + " R^d; the data are " + describe(shape) + " images: use --arch " + UNetS.ARCHITECTURE
          + " or another UNet");
    }
  }

  /**
   * One example's shape as the config records it from the data ([d] or [C, H, W]); configs
   * written before the shape was recorded mean 1x28x28 for a UNet and [2] for the MLP.
   */
  public static long[] dataShape(TrainConfig config) {
    if (config.dataShape != null) {
      return config.dataShape;
    }
    return UNetSpec.isUNet(config.architecture) ? new long[] {1, 28, 28} : new long[] {2};
  }

  /** e.g. {@code 3x32x32}. */
  public static String describe(long[] shape) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : "x").append(shape[i]);
    }
    return b.toString();
  }

  private static void addIf(List<String> list, boolean cond, String flag) {
    if (cond) {
      list.add(flag);
    }
  }

  /** K of a class-conditional config (its data's classes), 0 for an unconditional one. */
  public static int classes(TrainConfig config) {
    return config.classConditional && config.classNames != null ? config.classNames.size() : 0;
  }
}
