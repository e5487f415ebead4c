package dev.scoreflow.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image shape comes from the data: IDX sets of any H x W, C x H x W on the device. */
class ImageShapeTest {
  @TempDir Path dir;

  @Test
  void idxSetsOfAnySizeKeepTheirShapeAndPixels() throws IOException {
    for (int side : new int[] {16, 32}) {
      Path folder = dir.resolve("s" + side);
      TinyIdx.writePair(folder, "train", 6, side, side, side == 16);
      ImageSet set = ImageSource.load("idx:" + folder, ImageOptions.plain(dir));
      assertEquals(new Shape(1, side, side), set.spec().exampleShape());
      assertEquals(ImageSet.numberedClasses(6), set.classNames(), "idx: labels 0..5 seen");
      try (NDManager m = TestEngine.manager(0);
          ImageDataset d = ImageDataset.of(set, m, false)) {
        assertEquals(new Shape(6, 1, side, side), d.images().getShape());
        float[] v = d.images().toFloatArray();
        byte[] want = TinyIdx.pixels(6, side, side);
        for (int i = 0; i < v.length; i++) {
          assertEquals(want[i] & 0xff, Math.round((v[i] + 1f) * 127.5f), "pixel " + i);
        }
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, d.labels().toLongArray());
      }
    }
  }

  @Test
  void namedSetsGiveTheirClassNamesAndCheckTheLabels() throws IOException {
    TinyIdx.writePair(dir.resolve("mnist"), "t10k", 4, 28, 28, true);
    TinyIdx.writePair(dir.resolve("fashion-mnist"), "t10k", 4, 28, 28, true);
    List<String> digits = ImageSet.numberedClasses(10);
    assertEquals(digits, ImageSource.load("mnist", ImageOptions.plain(dir)).classNames());
    List<String> fashion = ImageSource.load("fashion-mnist", ImageOptions.plain(dir)).classNames();
    assertEquals(10, fashion.size());
    assertEquals("Ankle boot", fashion.get(9));
    Path labels = dir.resolve("mnist").resolve("t10k-labels-idx1-ubyte.gz");
    IdxWriter.writeLabels(labels, new byte[] {1, 2, 12, 3});
    String m = assertThrows(DataFormatException.class,
        () -> ImageSource.load("mnist", ImageOptions.plain(dir))).getMessage();
    assertTrue(m.contains(labels.toString()) && m.contains("12") && m.contains("0..9"), m);
  }

  @Test
  void sizeAndChannelFlagsApplyToIdxSetsToo() throws IOException {
    TinyIdx.writePair(dir, "train", 3, 8, 8, false);
    ImageSet set = ImageSource.load("idx:" + dir, new ImageOptions(dir, 4, 3));
    assertEquals(new Shape(3, 4, 4), set.spec().exampleShape());
    byte[] image = java.util.Arrays.copyOfRange(set.pixels(), 0, 48);
    assertArrayEquals(java.util.Arrays.copyOfRange(image, 0, 16),
        java.util.Arrays.copyOfRange(image, 32, 48), "grey made RGB: equal planes");
    assertThrows(IllegalArgumentException.class, () -> new ImageOptions(dir, 0, 2));
  }

  @Test
  void imageDataAreAType() {
    assertTrue(ImageSource.isImageData("folder:x"));
    assertTrue(ImageSource.isImageData("cifar10"));
    assertTrue(ImageSource.isImageData("idx:x"));
    assertTrue(!ImageSource.isImageData("gmm8"));
    assertEquals(List.of("mnist", "fashion-mnist", "idx:DIR", "folder:DIR", "cifar10"),
        ImageSource.usage());
  }
}
