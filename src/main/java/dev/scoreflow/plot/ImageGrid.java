package dev.scoreflow.plot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import dev.scoreflow.tensor.HostCopy;

/**
 * Greyscale image batches as one PNG grid. Tiles fill the grid row by row; pixel values in
 * [-1, 1] map linearly to 0..255 (values outside are clipped).
 */
public final class ImageGrid {
  /** Pixels between neighbouring tiles (there is no outer border). */
  public static final int DEFAULT_PADDING = 2;
  /** Grey level of the padding and of empty cells: white, so dark tiles stay visibly apart. */
  public static final int BACKGROUND = 255;

  private static final Pattern GRID = Pattern.compile("\\s*(\\d+)\\s*[xX]\\s*(\\d+)\\s*");

  private ImageGrid() {}

  /** A grid of {@code rows} x {@code cols} tiles. */
  public record Grid(int rows, int cols) {
    public Grid {
      if (rows < 1 || cols < 1) {
        throw new IllegalArgumentException("grid needs at least 1x1 tiles, got " + rows + "x"
            + cols);
      }
    }

    public int cells() {
      return rows * cols;
    }

    @Override
    public String toString() {
      return rows + "x" + cols;
    }
  }

  /** Parses a {@code --grid} value ROWSxCOLS such as {@code 8x8}. */
  public static Grid parseGrid(String spec) {
    Matcher m = spec == null ? null : GRID.matcher(spec);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("--grid expects ROWSxCOLS with positive integers, e.g. "
          + "8x8; got '" + spec + "'");
    }
    try {
      int rows = Integer.parseInt(m.group(1));
      int cols = Integer.parseInt(m.group(2));
      if (rows < 1 || cols < 1 || (long) rows * cols > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return new Grid(rows, cols);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--grid expects ROWSxCOLS with positive integers, e.g. "
          + "8x8; got '" + spec + "'");
    }
  }

  /** {@link #write(Path, NDArray, Grid, int)} with {@link #DEFAULT_PADDING}. */
  public static void write(Path file, NDArray images, Grid grid) throws IOException {
    write(file, images, grid, DEFAULT_PADDING);
  }

  /**
   * Writes the images [N, 1, H, W] (N at most rows*cols; spare cells stay empty) as a PNG grid.
   * {@code images} is neither modified nor closed.
   */
  public static void write(Path file, NDArray images, Grid grid, int padding) throws IOException {
    BufferedImage img = render(images, grid, padding);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("no PNG writer available for " + file);
    }
  }

  /**
   * Writes each image [N, 1, H, W] as its own PNG, {@code DIR/000000.png} onwards, numbered from
   * {@code firstIndex}: the one-file-per-sample layout FID tools read. One copy to the host.
   */
  public static void writeEach(Path dir, NDArray images, long firstIndex) throws IOException {
    Shape s = images.getShape();
    if (s.dimension() != 4 || s.get(1) != 1) {
      throw new IllegalArgumentException("PNG files need [N, 1, H, W] images, got " + s);
    }
    int n = Math.toIntExact(s.get(0));
    int h = Math.toIntExact(s.get(2));
    int w = Math.toIntExact(s.get(3));
    byte[] pixels = toGreyBytes(images);
    Files.createDirectories(dir);
    for (int i = 0; i < n; i++) {
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
      byte[] out = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
      System.arraycopy(pixels, i * h * w, out, 0, h * w);
      Path file = dir.resolve(String.format(java.util.Locale.ROOT, "%06d.png", firstIndex + i));
      if (!ImageIO.write(img, "png", file.toFile())) {
        throw new IOException("no PNG writer available for " + file);
      }
    }
  }

  /** The grid as an 8-bit grey image, without writing it. */
  public static BufferedImage render(NDArray images, Grid grid, int padding) {
    Shape s = images.getShape();
    if (s.dimension() != 4 || s.get(1) != 1) {
      throw new IllegalArgumentException("image grid needs [N, 1, H, W] images, got " + s);
    }
    if (padding < 0) {
      throw new IllegalArgumentException("padding must be >= 0, got " + padding);
    }
    int n = Math.toIntExact(s.get(0));
    int h = Math.toIntExact(s.get(2));
    int w = Math.toIntExact(s.get(3));
    if (n > grid.cells()) {
      throw new IllegalArgumentException(n + " images do not fit a " + grid + " grid (--grid)");
    }
    byte[] pixels = toGreyBytes(images);
    int width = grid.cols() * w + (grid.cols() - 1) * padding;
    int height = grid.rows() * h + (grid.rows() - 1) * padding;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    byte[] out = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    Arrays.fill(out, (byte) BACKGROUND);
    for (int i = 0; i < n; i++) {
      int x0 = (i % grid.cols()) * (w + padding);
      int y0 = (i / grid.cols()) * (h + padding);
      for (int y = 0; y < h; y++) {
        System.arraycopy(pixels, (i * h + y) * w, out, (y0 + y) * width + x0, w);
      }
    }
    return img;
  }

  /** [-1, 1] -> 0..255 on the device, then one copy to the host. */
  private static byte[] toGreyBytes(NDArray images) {
    try (NDScope scope = new NDScope()) {
      // +0.5 then truncation in the uint8 cast rounds to nearest (all values are >= 0.5).
      NDArray scaled = images.toType(DataType.FLOAT32, false).clip(-1f, 1f).add(1f)
          .mul(127.5f).add(0.5f);
      return HostCopy.read(scaled.toType(DataType.UINT8, false), NDArray::toByteArray);
    }
  }
}
