package dev.scoreflow.plot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.tensor.HostCopy;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Image batches [N, C, H, W] (C = 1 grey or 3 RGB, pixels in [-1, 1]) as one PNG grid, readable
 * at a glance: each pixel becomes a {@code scale} x {@code scale} block (nearest neighbour), cells
 * are {@link #BORDER} white pixels apart, and rows may carry a label at the left (one grid row
 * per class: pass the class names as {@code rowLabels}).
 *
 * <p>Cells fill the grid row by row: image i sits in row {@code i / cols}, column
 * {@code i % cols}; spare cells stay white. Values map linearly to 0..255 as
 * {@code round((v + 1) * 127.5)}, clipped to [-1, 1]. Grey batches give an 8-bit grey PNG, RGB
 * batches an 8-bit RGB PNG (channel 0 red, 1 green, 2 blue). The batch is read to the host once,
 * through {@link HostCopy}; it is neither modified nor closed.
 */
public final class ImageGrid {
  /** White pixels between neighbouring cells (none around the outside), at every scale. */
  public static final int BORDER = 2;
  /** Grey level of borders, empty cells and the label margin: white, so dark cells stay apart. */
  public static final int BACKGROUND = 255;
  /** Largest {@code --scale}. */
  public static final int MAX_SCALE = 16;
  /** Largest picture side in pixels: beyond this, viewers and memory suffer. */
  public static final int MAX_SIDE = 16384;
  /** Largest picture in pixels (64 M: 256 MB as RGB in memory). */
  public static final long MAX_PIXELS = 64L << 20;
  /** Space left and right of a row label, in pixels. */
  static final int LABEL_PAD = 6;

  private static final Pattern GRID = Pattern.compile("\\s*(\\d+)\\s*[xX]\\s*(\\d+)\\s*");

  private ImageGrid() {}

  /** A grid of {@code rows} x {@code cols} cells. */
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

  /**
   * The scale at which H x W images are drawn when none is asked for: 3 up to 32 pixels a side
   * (a 28x28 digit becomes 84x84), 2 up to 64, 1 above.
   */
  public static int defaultScale(long height, long width) {
    long side = Math.max(height, width);
    return side <= 32 ? 3 : side <= 64 ? 2 : 1;
  }

  /** {@code scale} if it is a valid {@code --scale} (1 to {@link #MAX_SCALE}). */
  public static int checkScale(int scale) {
    if (scale < 1 || scale > MAX_SCALE) {
      throw new IllegalArgumentException("--scale must be a whole number from 1 to " + MAX_SCALE
          + " (each pixel drawn as an NxN block), got " + scale);
    }
    return scale;
  }

  /**
   * Checks that {@code grid} cells of {@code height} x {@code width} images at {@code scale} make
   * a picture of sane size (label margin not counted), naming {@code --grid} and {@code --scale}.
   */
  public static void checkFits(Grid grid, long height, long width, int scale) {
    checkScale(scale);
    if (!fits(grid, height, width, scale)) {
      long w = gridSide(grid.cols(), width, scale);
      long h = gridSide(grid.rows(), height, scale);
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "--grid %s of %dx%d images at --scale %d makes a %dx%d-pixel picture; the limit is %d"
              + " pixels a side and %d Mpx: use a smaller --grid or --scale", grid, height,
          width, scale, w, h, MAX_SIDE, MAX_PIXELS >> 20));
    }
  }

  /** Whether the picture of {@link #checkFits} is within {@link #MAX_SIDE} and {@link #MAX_PIXELS}. */
  public static boolean fits(Grid grid, long height, long width, int scale) {
    long w = gridSide(grid.cols(), width, scale);
    long h = gridSide(grid.rows(), height, scale);
    return w <= MAX_SIDE && h <= MAX_SIDE && w * h <= MAX_PIXELS;
  }

  /** Cells of {@code size} pixels at {@code scale}, {@link #BORDER} apart. */
  private static long gridSide(int cells, long size, int scale) {
    return cells * size * scale + (cells - 1L) * BORDER;
  }

  /**
   * Writes {@code images} [N, C, H, W] (C = 1 or 3, values in [-1, 1], N at most rows * cols) as
   * a PNG grid of {@code rows} x {@code cols} cells, each pixel drawn {@code scale} x
   * {@code scale}.
   *
   * @param rowLabels null for no labels; otherwise one label per grid row ({@code rows} of them;
   *     null or empty for none), written at the left of its row: e.g. the class names when row k
   *     holds the samples of class k ({@code sample --class all})
   */
  public static void write(Path file, NDArray images, int rows, int cols, int scale,
      List<String> rowLabels) throws IOException {
    write(file, images, new Grid(rows, cols), scale, rowLabels);
  }

  /** {@link #write(Path, NDArray, int, int, int, List)} for a parsed grid. */
  public static void write(Path file, NDArray images, Grid grid, int scale,
      List<String> rowLabels) throws IOException {
    writePng(file, render(images, grid, scale, rowLabels));
  }

  /** The grid at {@link #defaultScale} for the images' size, without labels. */
  public static void write(Path file, NDArray images, Grid grid) throws IOException {
    Shape s = images.getShape();
    int scale = s.dimension() == 4 ? defaultScale(s.get(2), s.get(3)) : 1;
    write(file, images, grid, scale, null);
  }

  /**
   * Writes each image [N, C, H, W] (C = 1 or 3) as its own PNG at its own size,
   * {@code DIR/000000.png} onwards, numbered from {@code firstIndex}: the one-file-per-sample
   * layout FID tools read. One copy to the host.
   */
  public static void writeEach(Path dir, NDArray images, long firstIndex) throws IOException {
    Shape s = checkShape(images.getShape(), "PNG files");
    int n = Math.toIntExact(s.get(0));
    int c = Math.toIntExact(s.get(1));
    int h = Math.toIntExact(s.get(2));
    int w = Math.toIntExact(s.get(3));
    byte[] pixels = toBytes(images);
    Files.createDirectories(dir);
    for (int i = 0; i < n; i++) {
      BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY
          : BufferedImage.TYPE_INT_RGB);
      Canvas canvas = Canvas.of(img);
      canvas.draw(pixels, i, c, h, w, 0, 0, 1);
      Path file = dir.resolve(String.format(Locale.ROOT, "%06d.png", firstIndex + i));
      writePng(file, img);
    }
  }

  /** The grid as an image, without writing it; see {@link #write(Path, NDArray, int, int, int, List)}. */
  public static BufferedImage render(NDArray images, Grid grid, int scale,
      List<String> rowLabels) {
    Shape s = checkShape(images.getShape(), "image grid");
    checkScale(scale);
    int n = Math.toIntExact(s.get(0));
    int c = Math.toIntExact(s.get(1));
    int h = Math.toIntExact(s.get(2));
    int w = Math.toIntExact(s.get(3));
    if (n > grid.cells()) {
      throw new IllegalArgumentException(n + " images do not fit a " + grid + " grid (--grid)");
    }
    if (rowLabels != null && rowLabels.size() != grid.rows()) {
      throw new IllegalArgumentException(rowLabels.size() + " row labels for a grid of "
          + grid.rows() + " rows: give one per row (null or empty for none)");
    }
    checkFits(grid, h, w, scale);
    int cellW = w * scale;
    int cellH = h * scale;
    Font font = labelFont(cellH);
    int margin = labelMargin(rowLabels, font);
    int width = margin + (int) gridSide(grid.cols(), w, scale);
    int height = (int) gridSide(grid.rows(), h, scale);
    BufferedImage img = new BufferedImage(width, height, c == 1 ? BufferedImage.TYPE_BYTE_GRAY
        : BufferedImage.TYPE_INT_RGB);
    Canvas canvas = Canvas.of(img);
    canvas.fill(BACKGROUND);
    byte[] pixels = toBytes(images);
    for (int i = 0; i < n; i++) {
      int x0 = margin + (i % grid.cols()) * (cellW + BORDER);
      int y0 = (i / grid.cols()) * (cellH + BORDER);
      canvas.draw(pixels, i, c, h, w, x0, y0, scale);
    }
    if (margin > 0) {
      drawLabels(img, rowLabels, font, margin, cellH);
    }
    return img;
  }

  /** Label text: about a third of a cell's height, 12 to 20 pixels. */
  private static Font labelFont(int cellHeight) {
    int size = Math.max(12, Math.min(20, Math.round(cellHeight * 0.3f)));
    return new Font(Font.SANS_SERIF, Font.PLAIN, size);
  }

  /** Width of the label column: the widest label plus padding; 0 without labels. */
  private static int labelMargin(List<String> labels, Font font) {
    if (labels == null || labels.stream().allMatch(l -> l == null || l.isEmpty())) {
      return 0;
    }
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = scratch.createGraphics();
    try {
      hints(g);
      FontMetrics fm = g.getFontMetrics(font);
      int widest = 0;
      for (String l : labels) {
        widest = Math.max(widest, l == null ? 0 : fm.stringWidth(l));
      }
      return widest + 2 * LABEL_PAD;
    } finally {
      g.dispose();
    }
  }

  /** Each row's label in black, left-aligned in the margin and centred on its row. */
  private static void drawLabels(BufferedImage img, List<String> labels, Font font, int margin,
      int cellH) {
    Graphics2D g = img.createGraphics();
    try {
      hints(g);
      g.setFont(font);
      g.setColor(Color.BLACK);
      // Text never reaches into the cells, whatever the font's overhang.
      g.setClip(0, 0, margin - LABEL_PAD / 2, img.getHeight());
      FontMetrics fm = g.getFontMetrics();
      for (int r = 0; r < labels.size(); r++) {
        String l = labels.get(r);
        if (l == null || l.isEmpty()) {
          continue;
        }
        int top = r * (cellH + BORDER);
        int baseline = top + (cellH + fm.getAscent() - fm.getDescent()) / 2;
        g.drawString(l, LABEL_PAD, baseline);
      }
    } finally {
      g.dispose();
    }
  }

  private static void hints(Graphics2D g) {
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS,
        RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
  }

  private static Shape checkShape(Shape s, String what) {
    if (s.dimension() != 4 || (s.get(1) != 1 && s.get(1) != 3) || s.get(2) < 1 || s.get(3) < 1) {
      throw new IllegalArgumentException(what + " needs [N, C, H, W] images with C = 1 (grey)"
          + " or 3 (RGB), got " + s);
    }
    return s;
  }

  private static void writePng(Path file, BufferedImage img) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("no PNG writer available for " + file);
    }
  }

  /**
   * [-1, 1] -> 0..255 as round((clip(v) + 1) * 127.5), in the images' layout [N, C, H, W]. One
   * copy to the host; the conversion runs there, so no device work is queued.
   */
  static byte[] toBytes(NDArray images) {
    float[] v;
    if (images.getDataType() == DataType.FLOAT32) {
      v = HostCopy.floats(images);
    } else {
      try (NDArray f = images.toType(DataType.FLOAT32, false)) {
        v = HostCopy.floats(f);
      }
    }
    byte[] out = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      float x = Math.max(-1f, Math.min(1f, v[i])); // NaN stays NaN and becomes 0 (black)
      out[i] = (byte) (int) ((x + 1f) * 127.5f + 0.5f);
    }
    return out;
  }

  /** The pixel store of an 8-bit grey or an RGB image, written directly (no colour model). */
  private interface Canvas {
    void fill(int grey);

    /** Image i of [N, c, h, w] bytes, each pixel a scale x scale block from (x0, y0). */
    void draw(byte[] pixels, int i, int c, int h, int w, int x0, int y0, int scale);

    static Canvas of(BufferedImage img) {
      int width = img.getWidth();
      if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
        byte[] out = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        return new Canvas() {
          @Override
          public void fill(int grey) {
            Arrays.fill(out, (byte) grey);
          }

          @Override
          public void draw(byte[] px, int i, int c, int h, int w, int x0, int y0, int scale) {
            for (int y = 0; y < h; y++) {
              for (int x = 0; x < w; x++) {
                byte v = px[(i * h + y) * w + x];
                for (int dy = 0; dy < scale; dy++) {
                  int at = (y0 + y * scale + dy) * width + x0 + x * scale;
                  Arrays.fill(out, at, at + scale, v);
                }
              }
            }
          }
        };
      }
      int[] out = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
      return new Canvas() {
        @Override
        public void fill(int grey) {
          Arrays.fill(out, grey << 16 | grey << 8 | grey);
        }

        @Override
        public void draw(byte[] px, int i, int c, int h, int w, int x0, int y0, int scale) {
          int plane = h * w;
          for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
              int at0 = (i * c * h + y) * w + x;
              int r = px[at0] & 0xff;
              // A grey image in an RGB picture: the one channel in all three.
              int g = c == 1 ? r : px[at0 + plane] & 0xff;
              int b = c == 1 ? r : px[at0 + 2 * plane] & 0xff;
              int rgb = r << 16 | g << 8 | b;
              for (int dy = 0; dy < scale; dy++) {
                int at = (y0 + y * scale + dy) * width + x0 + x * scale;
                Arrays.fill(out, at, at + scale, rgb);
              }
            }
          }
        }
      };
    }
  }
}
