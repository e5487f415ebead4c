package dev.scoreflow.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes known tiles, reads the PNG back and checks tiles, padding and empty cells. */
class ImageGridTest {
  @TempDir Path tmp;

  @Test
  void writesTilesRowMajorWithPadding() throws Exception {
    int n = 5;
    int h = 3;
    int w = 4;
    // Tile i is constant v[i], except pixel (0, 0) which is -1 (black) to check orientation.
    float[] v = {-1f, 0f, 1f, 2f, -0.5f};
    int[] grey = {0, 128, 255, 255, 64}; // 2 clips to 1; round((x + 1) * 127.5)
    float[] data = new float[n * h * w];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < h * w; j++) {
        data[i * h * w + j] = j == 0 ? -1f : v[i];
      }
    }
    ImageGrid.Grid grid = ImageGrid.parseGrid("2x3");
    Path file = tmp.resolve("sub/grid.png");
    try (NDManager m = TestEngine.manager(0)) {
      NDArray images = m.create(data, new Shape(n, 1, h, w));
      ImageGrid.write(file, images, grid, 2);
      assertEquals(n * h * w, images.size(), "input left intact");
    }
    BufferedImage img = ImageIO.read(file.toFile());
    assertEquals(3 * w + 2 * 2, img.getWidth());
    assertEquals(2 * h + 1 * 2, img.getHeight());
    Raster r = img.getRaster();
    assertEquals(1, r.getNumBands());
    for (int i = 0; i < 6; i++) {
      int x0 = (i % 3) * (w + 2);
      int y0 = (i / 3) * (h + 2);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int want = i >= n ? ImageGrid.BACKGROUND : (x == 0 && y == 0 ? 0 : grey[i]);
          assertEquals(want, r.getSample(x0 + x, y0 + y, 0), "tile " + i + " at " + x + "," + y);
        }
      }
    }
    // Padding columns between tiles and the padding rows between the two tile rows.
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x : new int[] {w, w + 1, 2 * w + 2, 2 * w + 3}) {
        assertEquals(ImageGrid.BACKGROUND, r.getSample(x, y, 0), "padding at " + x + "," + y);
      }
    }
    for (int x = 0; x < img.getWidth(); x++) {
      for (int y : new int[] {h, h + 1}) {
        assertEquals(ImageGrid.BACKGROUND, r.getSample(x, y, 0), "padding at " + x + "," + y);
      }
    }
  }

  @Test
  void zeroPaddingAndDefaultPadding() throws Exception {
    try (NDManager m = TestEngine.manager(0)) {
      NDArray images = m.ones(new Shape(4, 1, 2, 2)).neg();
      Path a = tmp.resolve("a.png");
      ImageGrid.write(a, images, new ImageGrid.Grid(1, 4), 0);
      BufferedImage img = ImageIO.read(a.toFile());
      assertEquals(8, img.getWidth());
      assertEquals(2, img.getHeight());
      for (int x = 0; x < 8; x++) {
        assertEquals(0, img.getRaster().getSample(x, 1, 0));
      }
      Path b = tmp.resolve("b.png");
      ImageGrid.write(b, images, ImageGrid.parseGrid("2x2"));
      assertEquals(2 * 2 + ImageGrid.DEFAULT_PADDING, ImageIO.read(b.toFile()).getWidth());
    }
  }

  @Test
  void rejectsTooManyImagesAndWrongShapes() {
    try (NDManager m = TestEngine.manager(0)) {
      assertThrows(IllegalArgumentException.class, () -> ImageGrid.render(
          m.zeros(new Shape(5, 1, 2, 2)), new ImageGrid.Grid(2, 2), 2));
      assertThrows(IllegalArgumentException.class, () -> ImageGrid.render(
          m.zeros(new Shape(4, 3, 2, 2)), new ImageGrid.Grid(2, 2), 2));
    }
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
  }
}
