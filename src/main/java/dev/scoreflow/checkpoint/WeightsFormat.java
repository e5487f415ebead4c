package dev.scoreflow.checkpoint;

import java.util.Locale;

/** How a model folder stores its EMA weights: one file, named by the format. */
public enum WeightsFormat {
  /** DJL's NDList encoding with scoreflow's names: what checkpoints and models/ use. */
  NDLIST("ndlist", CheckpointStore.EMA),
  /** safetensors with the PyTorch reference's names ({@link SafetensorsWeights}). */
  SAFETENSORS("safetensors", SafetensorsWeights.EMA_FILE);

  private final String flag;
  private final String fileName;

  WeightsFormat(String flag, String fileName) {
    this.flag = flag;
    this.fileName = fileName;
  }

  /** The weights file inside a model folder. */
  public String fileName() {
    return fileName;
  }

  /** The name on the command line: {@code ndlist} or {@code safetensors}. */
  public String flag() {
    return flag;
  }

  /** Parses a {@code --format} value; throws naming the choices. */
  public static WeightsFormat byFlag(String s) {
    for (WeightsFormat f : values()) {
      if (f.flag.equals(s.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("--format must be ndlist or safetensors, got '" + s + "'");
  }
}
