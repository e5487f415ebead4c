package dev.scoreflow.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Small pictures written by the tests in the real formats (PNG, JPEG, BMP, GIF), with the
 * C x H x W bytes they hold, to compare with what the folder reader decodes.
 */
final class TinyPictures {
  private TinyPictures() {}

  /** A grey picture: value at (x, y) a smooth ramp shifted by {@code k}. */
  static byte[] greyPixels(int w, int h, int k) {
    byte[] p = new byte[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        p[y * w + x] = (byte) ((k * 37 + x * 9 + y * 5) % 256);
      }
    }
    return p;
  }

  /** An RGB picture, planes R, G, B: smooth ramps that differ per channel. */
  static byte[] colourPixels(int w, int h, int k) {
    byte[] p = new byte[3 * h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        p[y * w + x] = (byte) ((k * 31 + x * 8 + y * 3) % 256);
        p[h * w + y * w + x] = (byte) ((k * 53 + 200 - x * 4 - y * 6 + 256) % 256);
        p[2 * h * w + y * w + x] = (byte) ((k * 11 + 60 + x * 2 + y * 7) % 256);
      }
    }
    return p;
  }

  /**
   * Writes {@code pixels} (1 or 3 channels) as {@code format} (png, jpg, bmp, gif). GIF pictures
   * are palette pictures: a palette of all 256 greys, or of the picture's own colours.
   */
  static void write(Path file, String format, byte[] pixels, int channels, int w, int h)
      throws IOException {
    BufferedImage image;
    if (format.equals("gif")) {
      image = paletteImage(pixels, channels, w, h);
    } else if (channels == 1) {
      image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          image.getRaster().setSample(x, y, 0, pixels[y * w + x] & 0xff);
        }
      }
    } else {
      image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          image.setRGB(x, y, rgb(pixels, w, h, x, y));
        }
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!ImageIO.write(image, format, file.toFile())) {
      throw new IOException("ImageIO has no " + format + " writer for this picture");
    }
  }

  private static int rgb(byte[] p, int w, int h, int x, int y) {
    int i = y * w + x;
    return (p[i] & 0xff) << 16 | (p[h * w + i] & 0xff) << 8 | (p[2 * h * w + i] & 0xff);
  }

  private static BufferedImage paletteImage(byte[] pixels, int channels, int w, int h) {
    int n = w * h;
    int[] colours = new int[256];
    int used = 0;
    int[] index = new int[n];
    java.util.Map<Integer, Integer> slot = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      int c = channels == 1 ? (pixels[i] & 0xff) * 0x010101 : rgb(pixels, w, h, i % w, i / w);
      if (channels == 1) {
        index[i] = pixels[i] & 0xff;
        continue;
      }
      Integer s = slot.get(c);
      if (s == null) {
        if (used == 256) {
          throw new IllegalArgumentException("more than 256 colours");
        }
        s = used;
        slot.put(c, used);
        colours[used++] = c;
      }
      index[i] = s;
    }
    if (channels == 1) {
      for (int g = 0; g < 256; g++) {
        colours[g] = g * 0x010101;
      }
    }
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    for (int k = 0; k < 256; k++) {
      r[k] = (byte) (colours[k] >> 16);
      g[k] = (byte) (colours[k] >> 8);
      b[k] = (byte) colours[k];
    }
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 256, r, g, b));
    image.getRaster().setSamples(0, 0, w, h, 0, index);
    return image;
  }
}
