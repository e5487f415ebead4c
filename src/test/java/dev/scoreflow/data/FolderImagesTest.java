package dev.scoreflow.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --data folder:DIR}: pictures in PNG, JPEG, BMP and GIF decode to the bytes written
 * (JPEG within its loss), subfolders give labels, and each bad folder is one message naming a
 * file.
 */
class FolderImagesTest {
  static final int W = 12;
  static final int H = 10;

  @TempDir Path dir;

  private static ImageSet load(Path folder, int size, int channels) {
    return ImageSource.load("folder:" + folder, new ImageOptions(Path.of("unused"), size, channels));
  }

  private static byte[] image(ImageSet set, int i) {
    return Arrays.copyOfRange(set.pixels(), i * set.imageBytes(), (i + 1) * set.imageBytes());
  }

  private static double meanAbsDiff(byte[] a, byte[] b) {
    assertEquals(a.length, b.length);
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
    }
    return s / a.length;
  }

  @Test
  void greyClassFoldersRoundTripExactly() throws IOException {
    String[] formats = {"png", "bmp", "gif"};
    // Written out of order: class folders and files are read sorted by name.
    for (int k = 0; k < 6; k++) {
      String cls = k < 3 ? "cat" : "dog";
      TinyPictures.write(dir.resolve(cls).resolve(k + "." + formats[k % 3]), formats[k % 3],
          TinyPictures.greyPixels(W, H, k), 1, W, H);
    }
    Files.writeString(dir.resolve("cat").resolve("notes.txt"), "not a picture");
    Files.write(dir.resolve("dog").resolve(".hidden.png"), new byte[] {1, 2, 3});
    ImageSet set = load(dir, 0, 0);
    assertEquals(6, set.count());
    assertEquals(List.of("cat", "dog"), set.classNames());
    assertEquals("images 1x10x12, 2 classes", set.spec().toString());
    assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, set.labels());
    for (int k = 0; k < 6; k++) {
      assertArrayEquals(TinyPictures.greyPixels(W, H, k), image(set, k), "picture " + k);
    }
  }

  @Test
  void colourPicturesRoundTripAndJpegComesClose() throws IOException {
    String[] formats = {"png", "bmp", "gif", "jpg"};
    for (int k = 0; k < formats.length; k++) {
      TinyPictures.write(dir.resolve("p" + k + "." + formats[k]), formats[k],
          TinyPictures.colourPixels(W, H, k), 3, W, H);
    }
    ImageSet set = load(dir, 0, 0);
    assertEquals(4, set.count());
    assertEquals(3, set.channels());
    assertFalse(set.labelled());
    assertNull(set.labels());
    assertTrue(set.classNames().isEmpty());
    for (int k = 0; k < 3; k++) {
      assertArrayEquals(TinyPictures.colourPixels(W, H, k), image(set, k), formats[k]);
    }
    // JPEG is lossy (and subsamples colour): close on average, not equal.
    double jpeg = meanAbsDiff(TinyPictures.colourPixels(W, H, 3), image(set, 3));
    assertTrue(jpeg < 12, "JPEG mean error " + jpeg);
  }

  @Test
  void greyJpegIsGreyAndClose() throws IOException {
    TinyPictures.write(dir.resolve("a.jpg"), "jpg", TinyPictures.greyPixels(W, H, 1), 1, W, H);
    TinyPictures.write(dir.resolve("b.png"), "png", TinyPictures.greyPixels(W, H, 2), 1, W, H);
    ImageSet set = load(dir, 0, 0);
    assertEquals(1, set.channels());
    double jpeg = meanAbsDiff(TinyPictures.greyPixels(W, H, 1), image(set, 0));
    assertTrue(jpeg < 6, "JPEG mean error " + jpeg);
    assertArrayEquals(TinyPictures.greyPixels(W, H, 2), image(set, 1));
  }

  @Test
  void channelsFlagConvertsGreyToRgbAndRgbToLuma() throws IOException {
    TinyPictures.write(dir.resolve("g").resolve("a.png"), "png", TinyPictures.greyPixels(W, H, 4), 1, W, H);
    ImageSet rgb = load(dir.resolve("g"), 0, 3);
    byte[] grey = TinyPictures.greyPixels(W, H, 4);
    byte[] three = image(rgb, 0);
    for (int c = 0; c < 3; c++) {
      assertArrayEquals(grey, Arrays.copyOfRange(three, c * W * H, (c + 1) * W * H), "plane " + c);
    }
    byte[] colour = TinyPictures.colourPixels(W, H, 5);
    TinyPictures.write(dir.resolve("c").resolve("a.png"), "png", colour, 3, W, H);
    byte[] got = image(load(dir.resolve("c"), 0, 1), 0);
    assertEquals(W * H, got.length);
    for (int i = 0; i < W * H; i++) {
      // ITU-R BT.601 luma.
      double y = 0.299 * (colour[i] & 0xff) + 0.587 * (colour[W * H + i] & 0xff)
          + 0.114 * (colour[2 * W * H + i] & 0xff);
      assertEquals(Math.round(y), got[i] & 0xff, "pixel " + i);
    }
  }

  @Test
  void imageSizeResizesTheShorterSideThenCropsTheCentre() throws IOException {
    // 40 wide, 20 high: four vertical stripes 10 pixels wide with values 0, 60, 120, 180.
    int w = 40;
    int h = 20;
    byte[] stripes = new byte[w * h];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = (byte) (60 * ((i % w) / 10));
    }
    TinyPictures.write(dir.resolve("wide.png"), "png", stripes, 1, w, h);
    // A picture of another size in the same folder is fine once --image-size is given.
    TinyPictures.write(dir.resolve("small.png"), "png", TinyPictures.greyPixels(5, 5, 0), 1, 5, 5);
    ImageSet set = load(dir, 10, 0);
    assertEquals(10, set.height());
    assertEquals(10, set.width());
    // Shorter side 20 -> 10 halves everything: stripes 5 wide (area averages of one value),
    // 20 columns, of which the centre 10 (columns 5..14) are kept: stripes 60 and 120.
    byte[] cropped = image(set, 1); // files are read sorted: small.png, then wide.png
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 10; x++) {
        assertEquals(x < 5 ? 60 : 120, cropped[y * 10 + x] & 0xff, "(" + x + ", " + y + ")");
      }
    }
    // The 5x5 ramp enlarged to 10x10 keeps its range and its mean (bilinear, clamped edges).
    byte[] up = image(set, 0);
    byte[] ramp = TinyPictures.greyPixels(5, 5, 0);
    double meanIn = 0;
    double meanOut = 0;
    for (byte b : ramp) {
      meanIn += (b & 0xff) / 25.0;
    }
    for (byte b : up) {
      meanOut += (b & 0xff) / 100.0;
    }
    assertEquals(meanIn, meanOut, 1.0);
    assertEquals(ramp[0] & 0xff, up[0] & 0xff, "top-left corner stays");
    assertEquals(ramp[24] & 0xff, up[99] & 0xff, "bottom-right corner stays");
  }

  @Test
  void shrinkingAveragesTheFootprintInsteadOfPickingAPixel() throws IOException {
    // A 1-pixel checkerboard of 0 and 200 halved: every output pixel covers two of each, so it
    // is 100 (area average); picking one input pixel would give 0s and 200s.
    int side = 8;
    byte[] checker = new byte[side * side];
    for (int i = 0; i < checker.length; i++) {
      checker[i] = (byte) (((i / side + i % side) % 2) * 200);
    }
    TinyPictures.write(dir.resolve("c.png"), "png", checker, 1, side, side);
    byte[] half = image(load(dir, 4, 0), 0);
    for (int i = 0; i < half.length; i++) {
      assertEquals(100, half[i] & 0xff, "pixel " + i);
    }
    // A third: footprints of 3 x 3 pixels with 4 or 5 of 200, weights 1/9 (8 -> 3 is 8/3 each).
    byte[] third = image(load(dir, 3, 0), 0);
    for (byte b : third) {
      assertTrue((b & 0xff) > 70 && (b & 0xff) < 130, "area average near 100, got " + (b & 0xff));
    }
  }

  @Test
  void greyAmongColourNamesTheGreyFileAndSuggestsChannels() throws IOException {
    for (int k = 0; k < 3; k++) {
      TinyPictures.write(dir.resolve("a" + k + ".png"), "png", TinyPictures.colourPixels(W, H, k), 3, W, H);
    }
    Path odd = dir.resolve("b.bmp");
    TinyPictures.write(odd, "bmp", TinyPictures.greyPixels(W, H, 0), 1, W, H);
    String m = assertThrows(DataFormatException.class, () -> load(dir, 0, 0)).getMessage();
    assertTrue(m.contains(odd.toString()) && m.contains("grey") && m.contains("--channels"), m);
    assertEquals(1, m.lines().count(), m);
    assertEquals(4, load(dir, 0, 3).count(), "--channels 3 takes them all");
  }

  @Test
  void mixedSizesNameTheFileAndBothSizes() throws IOException {
    TinyPictures.write(dir.resolve("a.png"), "png", TinyPictures.greyPixels(W, H, 0), 1, W, H);
    TinyPictures.write(dir.resolve("b.png"), "png", TinyPictures.greyPixels(8, 6, 0), 1, 8, 6);
    TinyPictures.write(dir.resolve("c.png"), "png", TinyPictures.greyPixels(W, H, 1), 1, W, H);
    String m = assertThrows(DataFormatException.class, () -> load(dir, 0, 0)).getMessage();
    assertTrue(m.contains(dir.resolve("b.png").toString()) && m.contains("8x6") && m.contains("12x10")
        && m.contains("--image-size"), m);
  }

  @Test
  void anUnreadablePictureIsNamed() throws IOException {
    TinyPictures.write(dir.resolve("a.png"), "png", TinyPictures.greyPixels(W, H, 0), 1, W, H);
    Path broken = dir.resolve("broken.jpg");
    Files.writeString(broken, "<html>not found</html>");
    String m = assertThrows(DataFormatException.class, () -> load(dir, 0, 0)).getMessage();
    assertTrue(m.contains(broken.toString()), m);
    // A cut-off PNG too.
    Files.delete(broken);
    byte[] whole = Files.readAllBytes(dir.resolve("a.png"));
    Files.write(dir.resolve("cut.png"), Arrays.copyOf(whole, whole.length / 2));
    String c = assertThrows(DataFormatException.class, () -> load(dir, 0, 0)).getMessage();
    assertTrue(c.contains(dir.resolve("cut.png").toString()), c);
  }

  @Test
  void badLayoutsAreRefused() throws IOException {
    assertThrows(MissingDataException.class, () -> load(dir, 0, 0), "empty folder");
    assertThrows(MissingDataException.class, () -> load(dir.resolve("nowhere"), 0, 0));
    TinyPictures.write(dir.resolve("a.png"), "png", TinyPictures.greyPixels(W, H, 0), 1, W, H);
    TinyPictures.write(dir.resolve("cls").resolve("b.png"), "png", TinyPictures.greyPixels(W, H, 1), 1, W, H);
    String both = assertThrows(DataFormatException.class, () -> load(dir, 0, 0)).getMessage();
    assertTrue(both.contains("a.png") && both.contains("cls/"), both);
    Files.delete(dir.resolve("a.png"));
    Files.createDirectories(dir.resolve("empty"));
    String empty = assertThrows(DataFormatException.class, () -> load(dir, 0, 0)).getMessage();
    assertTrue(empty.contains(dir.resolve("empty").toString()), empty);
  }
}
