package dev.scoreflow.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes known images, reads the PNG back and checks every pixel: cells in row-major order,
 * nearest-neighbour scaling, border width and colour, RGB channel order, grey staying grey, row
 * labels only in their margin, and bad arguments refused.
 */
class ImageGridTest {
  @TempDir Path tmp;

  /** round((clip(v) + 1) * 127.5), the documented mapping. */
  static int grey(float v) {
    return (int) ((Math.max(-1f, Math.min(1f, v)) + 1f) * 127.5f + 0.5f);
  }

  /** Values in [-1, 0.99): none maps to 255, so a white pixel is always background. */
  static float[] randomPixels(int count, long seed) {
    Random rnd = new Random(seed);
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = rnd.nextFloat() * 1.98f - 1f;
    }
    return v;
  }

  @Test
  void writesTilesRowMajorWithBorders() throws Exception {
    int n = 5;
    int h = 3;
    int w = 4;
    // Tile i is constant v[i], except pixel (0, 0) which is -1 (black) to check orientation.
    float[] v = {-1f, 0f, 1f, 2f, -0.5f};
    int[] want = {0, 128, 255, 255, 64}; // 2 clips to 1; round((x + 1) * 127.5)
    float[] data = new float[n * h * w];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < h * w; j++) {
        data[i * h * w + j] = j == 0 ? -1f : v[i];
      }
    }
    int b = ImageGrid.BORDER;
    Path file = tmp.resolve("sub/grid.png");
    try (NDManager m = TestEngine.manager(0)) {
      NDArray images = m.create(data, new Shape(n, 1, h, w));
      ImageGrid.write(file, images, 2, 3, 1, null);
      assertEquals(n * h * w, images.size(), "input left intact");
    }
    BufferedImage img = ImageIO.read(file.toFile());
    assertEquals(3 * w + 2 * b, img.getWidth());
    assertEquals(2 * h + b, img.getHeight());
    Raster r = img.getRaster();
    assertEquals(1, r.getNumBands(), "a grey batch gives a grey PNG");
    for (int i = 0; i < 6; i++) {
      int x0 = (i % 3) * (w + b);
      int y0 = (i / 3) * (h + b);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int expect = i >= n ? ImageGrid.BACKGROUND : (x == 0 && y == 0 ? 0 : want[i]);
          assertEquals(expect, r.getSample(x0 + x, y0 + y, 0), "tile " + i + " at " + x + "," + y);
        }
      }
    }
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x : new int[] {w, w + 1, 2 * w + b, 2 * w + b + 1}) {
        assertEquals(ImageGrid.BACKGROUND, r.getSample(x, y, 0), "border at " + x + "," + y);
      }
    }
    for (int x = 0; x < img.getWidth(); x++) {
      for (int y : new int[] {h, h + 1}) {
        assertEquals(ImageGrid.BACKGROUND, r.getSample(x, y, 0), "border at " + x + "," + y);
      }
    }
  }

  @Test
  void scaleReplicatesEveryPixelAndBordersStayTwoWhitePixels() throws Exception {
    int n = 4;
    int h = 5;
    int w = 3;
    int scale = 3;
    int b = ImageGrid.BORDER;
    float[] data = randomPixels(n * h * w, 1);
    Path file = tmp.resolve("scaled.png");
    try (NDManager m = TestEngine.manager(0)) {
      ImageGrid.write(file, m.create(data, new Shape(n, 1, h, w)), 2, 2, scale, null);
    }
    BufferedImage img = ImageIO.read(file.toFile());
    int cellW = w * scale;
    int cellH = h * scale;
    assertEquals(2 * cellW + b, img.getWidth());
    assertEquals(2 * cellH + b, img.getHeight());
    Raster r = img.getRaster();
    // Every output pixel, by where it falls: a cell pixel is its source pixel, the rest white.
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int col = x / (cellW + b);
        int row = y / (cellH + b);
        int cx = x % (cellW + b);
        int cy = y % (cellH + b);
        int expect = cx >= cellW || cy >= cellH ? ImageGrid.BACKGROUND
            : grey(data[((row * 2 + col) * h + cy / scale) * w + cx / scale]);
        assertEquals(expect, r.getSample(x, y, 0), "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void rgbKeepsChannelOrderAndLayout() throws Exception {
    int n = 3;
    int h = 4;
    int w = 2;
    int scale = 2;
    float[] data = randomPixels(n * 3 * h * w, 2);
    // Image 0 is pure red, image 1 has its red and blue planes constant and green = -1.
    for (int j = 0; j < h * w; j++) {
      data[j] = 1f;
      data[h * w + j] = -1f;
      data[2 * h * w + j] = -1f;
      data[3 * h * w + j] = 0.5f;
      data[4 * h * w + j] = -1f;
      data[5 * h * w + j] = -0.5f;
    }
    Path file = tmp.resolve("rgb.png");
    try (NDManager m = TestEngine.manager(0)) {
      ImageGrid.write(file, m.create(data, new Shape(n, 3, h, w)), 1, 3, scale, null);
    }
    BufferedImage img = ImageIO.read(file.toFile());
    assertEquals(3, img.getRaster().getNumBands(), "an RGB batch gives an RGB PNG");
    int cellW = w * scale;
    assertEquals(3 * cellW + 2 * ImageGrid.BORDER, img.getWidth());
    assertEquals(h * scale, img.getHeight());
    assertEquals(0xff0000, img.getRGB(0, 0) & 0xffffff, "image 0 is red");
    assertEquals(grey(0.5f) << 16 | grey(-0.5f), img.getRGB(cellW + ImageGrid.BORDER, 0) & 0xffffff);
    for (int y = 0; y < h * scale; y++) {
      for (int x = 0; x < w * scale; x++) {
        int x0 = 2 * (cellW + ImageGrid.BORDER);
        int at = (2 * 3 * h + y / scale) * w + x / scale; // image 2, channel 0
        int expect = grey(data[at]) << 16 | grey(data[at + h * w]) << 8
            | grey(data[at + 2 * h * w]);
        assertEquals(expect, img.getRGB(x0 + x, y) & 0xffffff, "image 2 at " + x + "," + y);
      }
      for (int x = 0; x < ImageGrid.BORDER; x++) {
        assertEquals(0xffffff, img.getRGB(cellW + x, y) & 0xffffff, "white border");
      }
    }
  }

  @Test
  void aGreyImageIsGreyInAllChannels() throws Exception {
    int h = 6;
    int w = 5;
    float[] plane = randomPixels(h * w, 3);
    float[] rgb = new float[3 * h * w];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(plane, 0, rgb, c * h * w, h * w);
    }
    Path grey = tmp.resolve("grey.png");
    Path colour = tmp.resolve("colour.png");
    try (NDManager m = TestEngine.manager(0)) {
      ImageGrid.write(grey, m.create(plane, new Shape(1, 1, h, w)), 1, 1, 2, null);
      ImageGrid.write(colour, m.create(rgb, new Shape(1, 3, h, w)), 1, 1, 2, null);
    }
    Raster g = ImageIO.read(grey.toFile()).getRaster();
    BufferedImage c = ImageIO.read(colour.toFile());
    for (int y = 0; y < 2 * h; y++) {
      for (int x = 0; x < 2 * w; x++) {
        int v = grey(plane[(y / 2) * w + x / 2]);
        assertEquals(v, g.getSample(x, y, 0));
        int p = c.getRGB(x, y);
        assertEquals(v, p >> 16 & 0xff, "red at " + x + "," + y);
        assertEquals(v, p >> 8 & 0xff, "green at " + x + "," + y);
        assertEquals(v, p & 0xff, "blue at " + x + "," + y);
      }
    }
  }

  @Test
  void rowLabelsChangeOnlyTheLabelMargin() {
    int h = 8;
    int w = 8;
    int scale = 3;
    for (int channels : new int[] {1, 3}) {
      try (NDManager m = TestEngine.manager(0)) {
        NDArray images = m.create(randomPixels(5 * channels * h * w, 4),
            new Shape(5, channels, h, w));
        ImageGrid.Grid grid = new ImageGrid.Grid(3, 2);
        BufferedImage plain = ImageGrid.render(images, grid, scale, null);
        BufferedImage labelled = ImageGrid.render(images, grid, scale,
            Arrays.asList("airplane", "", "7"));
        int margin = labelled.getWidth() - plain.getWidth();
        assertTrue(margin > 2 * ImageGrid.LABEL_PAD, "a margin for the labels: " + margin);
        assertEquals(plain.getHeight(), labelled.getHeight());
        assertEquals(plain.getType(), labelled.getType());
        for (int y = 0; y < plain.getHeight(); y++) {
          for (int x = 0; x < plain.getWidth(); x++) {
            assertEquals(plain.getRGB(x, y), labelled.getRGB(margin + x, y),
                "right of the margin at " + x + "," + y + " (C = " + channels + ")");
          }
        }
        int cellH = h * scale;
        int[] dark = new int[3];
        for (int y = 0; y < plain.getHeight(); y++) {
          for (int x = 0; x < margin; x++) {
            int p = labelled.getRGB(x, y) & 0xffffff;
            assertEquals(p >> 16 & 0xff, p & 0xff, "labels are grey/black");
            if ((p & 0xff) < 128) {
              int row = y / (cellH + ImageGrid.BORDER);
              assertTrue(y % (cellH + ImageGrid.BORDER) < cellH, "text off the border rows");
              dark[row]++;
            }
          }
        }
        assertTrue(dark[0] > 20, "row 0 labelled: " + dark[0] + " dark pixels");
        assertEquals(0, dark[1], "row 1 has an empty label");
        assertTrue(dark[2] > 5 && dark[2] < dark[0], "'7' is shorter than 'airplane': "
            + Arrays.toString(dark));
        // No label at all (every entry empty): no margin.
        assertEquals(plain.getWidth(), ImageGrid.render(images, grid, scale,
            Arrays.asList("", null, "")).getWidth());
      }
    }
  }

  @Test
  void defaultScaleGrowsSmallImages() throws Exception {
    assertEquals(3, ImageGrid.defaultScale(28, 28));
    assertEquals(3, ImageGrid.defaultScale(32, 32));
    assertEquals(2, ImageGrid.defaultScale(33, 20));
    assertEquals(2, ImageGrid.defaultScale(64, 64));
    assertEquals(1, ImageGrid.defaultScale(65, 64));
    assertEquals(1, ImageGrid.defaultScale(256, 256));
    Path file = tmp.resolve("default.png");
    try (NDManager m = TestEngine.manager(0)) {
      ImageGrid.write(file, m.zeros(new Shape(4, 1, 28, 28)), ImageGrid.parseGrid("2x2"));
    }
    assertEquals(2 * 84 + ImageGrid.BORDER, ImageIO.read(file.toFile()).getWidth());
  }

  @Test
  void writeEachKeepsChannels() throws Exception {
    int h = 3;
    int w = 4;
    float[] data = randomPixels(2 * 3 * h * w, 5);
    Path dir = tmp.resolve("each");
    try (NDManager m = TestEngine.manager(0)) {
      ImageGrid.writeEach(dir, m.create(data, new Shape(2, 3, h, w)), 7);
    }
    BufferedImage img = ImageIO.read(dir.resolve("000008.png").toFile());
    assertEquals(w, img.getWidth());
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int at = (3 * h + y) * w + x;
        assertEquals(grey(data[at]) << 16 | grey(data[at + h * w]) << 8
            | grey(data[at + 2 * h * w]), img.getRGB(x, y) & 0xffffff);
      }
    }
  }

  @Test
  void badArgumentsAreRefused() {
    try (NDManager m = TestEngine.manager(0)) {
      NDArray four = m.zeros(new Shape(4, 1, 2, 2));
      ImageGrid.Grid twoByTwo = new ImageGrid.Grid(2, 2);
      assertThrows(IllegalArgumentException.class, () -> ImageGrid.render(
          m.zeros(new Shape(5, 1, 2, 2)), twoByTwo, 1, null));
      for (Shape bad : new Shape[] {new Shape(4, 2, 2, 2), new Shape(4, 4, 2, 2),
          new Shape(4, 2, 2), new Shape(4, 1, 0, 2)}) {
        assertThrows(IllegalArgumentException.class,
            () -> ImageGrid.render(m.zeros(bad), twoByTwo, 1, null), bad.toString());
      }
      for (int scale : new int[] {0, -1, ImageGrid.MAX_SCALE + 1}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ImageGrid.render(four, twoByTwo, scale, null));
        assertTrue(e.getMessage().startsWith("--scale"), e.getMessage());
        assertTrue(e.getMessage().contains("got " + scale), e.getMessage());
      }
      IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
          () -> ImageGrid.render(four, twoByTwo, 1, List.of("only one")));
      assertTrue(labels.getMessage().contains("1 row labels for a grid of 2 rows"),
          labels.getMessage());
    }
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> ImageGrid.checkFits(ImageGrid.parseGrid("200x200"), 28, 28, 3));
    assertTrue(big.getMessage().contains("--grid 200x200") && big.getMessage().contains("--scale 3"),
        big.getMessage());
    ImageGrid.checkFits(ImageGrid.parseGrid("64x64"), 28, 28, 3); // 5502 px a side: fine
  }

  @Test
  void parsesGridSpecs() {
    assertEquals(new ImageGrid.Grid(8, 8), ImageGrid.parseGrid("8x8"));
    assertEquals(new ImageGrid.Grid(4, 16), ImageGrid.parseGrid("4X16"));
    assertEquals(new ImageGrid.Grid(2, 3), ImageGrid.parseGrid(" 2 x 3 "));
    for (String bad : new String[] {"8", "8x", "x8", "0x4", "4x0", "-1x2", "8*8", "axb", "",
        "99999999999x2"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ImageGrid.parseGrid(bad), bad);
      assertTrue(e.getMessage().contains("--grid"), e.getMessage());
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageGrid.parseGrid(null))
        .getMessage().contains("--grid"));
    assertNotEquals(ImageGrid.parseGrid("2x3"), ImageGrid.parseGrid("3x2"));
  }
}
