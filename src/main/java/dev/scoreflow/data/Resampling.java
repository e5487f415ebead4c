package dev.scoreflow.data;

/**
 * Channel conversion and resizing of one image held as C x H x W unsigned bytes, on the host,
 * at load time (never in a training step).
 *
 * <p>Resizing is separable, one axis after the other, in float: shrinking averages each output
 * pixel's footprint over the input with exact fractional coverage (area averaging, which does
 * not alias the way point sampling does), enlarging interpolates linearly between pixel centres
 * (bilinear), and an axis that keeps its length is copied unchanged. Results are rounded to the
 * nearest byte.
 */
public final class Resampling {
  // ITU-R BT.601 luma weights, the usual RGB -> grey conversion of image libraries.
  private static final double LUMA_R = 0.299;
  private static final double LUMA_G = 0.587;
  private static final double LUMA_B = 0.114;

  private Resampling() {}

  /**
   * The image with {@code to} channels (1 or 3): grey to RGB copies the plane three times, RGB
   * to grey takes the BT.601 luma. Returns {@code image} itself when {@code from == to}.
   */
  public static byte[] convertChannels(byte[] image, int from, int height, int width, int to) {
    if (from == to) {
      return image;
    }
    int plane = height * width;
    if (from == 1 && to == 3) {
      byte[] out = new byte[3 * plane];
      for (int c = 0; c < 3; c++) {
        System.arraycopy(image, 0, out, c * plane, plane);
      }
      return out;
    }
    if (from == 3 && to == 1) {
      byte[] out = new byte[plane];
      for (int i = 0; i < plane; i++) {
        double y = LUMA_R * (image[i] & 0xff) + LUMA_G * (image[plane + i] & 0xff)
            + LUMA_B * (image[2 * plane + i] & 0xff);
        out[i] = toByte(y);
      }
      return out;
    }
    throw new IllegalArgumentException("--channels: can convert between 1 (grey) and 3 (RGB)"
        + " channels, not from " + from + " to " + to);
  }

  /**
   * Resizes so that the shorter side becomes {@code size} (the longer one keeps the aspect
   * ratio, rounded), then cuts the centred size x size square: C x size x size bytes.
   */
  public static byte[] resizeAndCrop(byte[] image, int channels, int height, int width, int size) {
    int h;
    int w;
    if (height <= width) {
      h = size;
      w = Math.max(size, (int) Math.round((double) width * size / height));
    } else {
      w = size;
      h = Math.max(size, (int) Math.round((double) height * size / width));
    }
    int top = (h - size) / 2;
    int left = (w - size) / 2;
    Axis across = new Axis(width, w);
    Axis down = new Axis(height, h);
    byte[] out = new byte[channels * size * size];
    float[] rows = new float[height * size];
    for (int c = 0; c < channels; c++) {
      int base = c * height * width;
      // Along each row first, only for the kept columns; then down each kept column.
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < size; x++) {
          rows[y * size + x] = across.sample(image, base + y * width, 1, left + x);
        }
      }
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          out[(c * size + y) * size + x] = toByte(down.sample(rows, x, size, top + y));
        }
      }
    }
    return out;
  }

  private static byte toByte(double v) {
    return (byte) Math.max(0, Math.min(255, Math.round(v)));
  }

  /** Weights that map one axis of length {@code in} to length {@code out}. */
  private static final class Axis {
    private final int[][] index;
    private final float[][] weight;

    Axis(int in, int out) {
      index = new int[out][];
      weight = new float[out][];
      double scale = (double) in / out;
      for (int o = 0; o < out; o++) {
        if (in == out) {
          index[o] = new int[] {o};
          weight[o] = new float[] {1f};
        } else if (in > out) {
          // Area average over the footprint [o * scale, (o + 1) * scale).
          double from = o * scale;
          double to = (o + 1) * scale;
          int first = (int) Math.floor(from);
          int last = Math.min(in - 1, (int) Math.ceil(to) - 1);
          index[o] = new int[last - first + 1];
          weight[o] = new float[last - first + 1];
          for (int i = first; i <= last; i++) {
            double cover = Math.min(to, i + 1) - Math.max(from, i);
            index[o][i - first] = i;
            weight[o][i - first] = (float) (cover / scale);
          }
        } else {
          // Bilinear between the two input centres around the output centre, clamped at edges.
          double x = Math.max(0, Math.min(in - 1, (o + 0.5) * scale - 0.5));
          int i0 = (int) Math.floor(x);
          int i1 = Math.min(in - 1, i0 + 1);
          float f = (float) (x - i0);
          index[o] = new int[] {i0, i1};
          weight[o] = new float[] {1 - f, f};
        }
      }
    }

    /** Output sample {@code o} of the line of bytes starting at {@code base} with {@code stride}. */
    float sample(byte[] line, int base, int stride, int o) {
      float s = 0;
      for (int k = 0; k < index[o].length; k++) {
        s += weight[o][k] * (line[base + index[o][k] * stride] & 0xff);
      }
      return s;
    }

    float sample(float[] line, int base, int stride, int o) {
      float s = 0;
      for (int k = 0; k < index[o].length; k++) {
        s += weight[o][k] * line[base + index[o][k] * stride];
      }
      return s;
    }
  }
}
