package dev.scoreflow.cli;

import static dev.scoreflow.cli.CliTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.scoreflow.data.IdxWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image data through {@code scoreflow train}: the recorded shape and classes come from the data,
 * and every bad input is one line naming the file, exit 1.
 */
class ImageDataCliTest {
  @TempDir Path tmp;

  private static JsonObject config(Path run) throws IOException {
    return JsonParser.parseString(Files.readString(run.resolve("config.json"), StandardCharsets.UTF_8))
        .getAsJsonObject();
  }

  private static void picture(Path file, String format, int w, int h, boolean colour, int k)
      throws IOException {
    BufferedImage image = new BufferedImage(w, h,
        colour ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int v = (k * 40 + x * 7 + y * 3) % 256;
        image.setRGB(x, y, colour ? v << 16 | (255 - v) << 8 | (v / 2) : v * 0x010101);
      }
    }
    Files.createDirectories(file.getParent());
    assertTrue(ImageIO.write(image, format, file.toFile()));
  }

  private static Object[] train(Path out, String data, String... more) {
    String[] base = {"train", "--data", data, "--out", out.toString(), "--batch", "2",
        "--sample-every", "0", "--device", "cpu", "--threads", "1"};
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(base));
    args.addAll(java.util.List.of(more));
    if (!args.contains("--steps")) {
      args.addAll(java.util.List.of("--steps", "1")); // should a bad input slip through
    }
    return CliTest.run(args.toArray(new String[0]));
  }

  @Test
  void aThirtyTwoPixelIdxSetRecordsItsShape() throws IOException {
    Path data = tmp.resolve("idx32");
    int n = 4;
    IdxWriter.writeImages(data.resolve("train-images-idx3-ubyte"), new byte[n * 32 * 32], n, 32, 32);
    IdxWriter.writeLabels(data.resolve("train-labels-idx1-ubyte"), new byte[] {0, 1, 2, 1});
    Path run = tmp.resolve("run");
    Object[] r = train(run, "idx:" + data, "--steps", "1");
    assertEquals(0, r[0], (String) r[2]);
    JsonObject c = config(run);
    assertEquals("[1,32,32]", c.get("dataShape").toString());
    assertEquals("[\"0\",\"1\",\"2\"]", c.get("classNames").toString());
  }

  @Test
  void aFolderOfPicturesTrainsAndRecordsItsClasses() throws IOException {
    Path data = tmp.resolve("pics");
    picture(data.resolve("bird").resolve("a.png"), "png", 20, 16, true, 0);
    picture(data.resolve("bird").resolve("b.jpg"), "jpg", 20, 16, true, 1);
    picture(data.resolve("ant").resolve("c.bmp"), "bmp", 24, 24, true, 2);
    Path run = tmp.resolve("run");
    // Grey 16x16 from RGB pictures of two sizes: the network side takes one channel today.
    Object[] r = train(run, "folder:" + data, "--channels", "1", "--image-size", "16", "--hflip",
        "--steps", "2");
    assertEquals(0, r[0], (String) r[2]);
    JsonObject c = config(run);
    assertEquals("[1,16,16]", c.get("dataShape").toString());
    assertEquals("[\"ant\",\"bird\"]", c.get("classNames").toString());
    assertTrue(c.get("randomFlip").getAsBoolean());
    assertEquals(16, c.get("imageSize").getAsInt());
    assertEquals(1, c.get("imageChannels").getAsInt());
  }

  @Test
  void badPicturesAreOneLineNamingTheFile() throws IOException {
    Path grey = tmp.resolve("grey");
    picture(grey.resolve("a.png"), "png", 8, 8, true, 0);
    picture(grey.resolve("b.png"), "png", 8, 8, true, 1);
    picture(grey.resolve("c.png"), "png", 8, 8, false, 2);
    Object[] r = train(tmp.resolve("r1"), "folder:" + grey);
    assertEquals(1, r[0], (String) r[2]);
    assertOneLineError(r, grey.resolve("c.png").toString());
    assertTrue(((String) r[2]).contains("--channels"), (String) r[2]);

    Path sizes = tmp.resolve("sizes");
    picture(sizes.resolve("a.png"), "png", 8, 8, false, 0);
    picture(sizes.resolve("b.png"), "png", 8, 8, false, 1);
    picture(sizes.resolve("c.png"), "png", 9, 7, false, 2);
    r = train(tmp.resolve("r2"), "folder:" + sizes);
    assertEquals(1, r[0], (String) r[2]);
    assertOneLineError(r, sizes.resolve("c.png").toString());
    assertTrue(((String) r[2]).contains("9x7") && ((String) r[2]).contains("8x8"), (String) r[2]);

    Path broken = tmp.resolve("broken");
    picture(broken.resolve("a.gif"), "gif", 8, 8, false, 0);
    Files.write(broken.resolve("b.gif"), new byte[] {'G', 'I', 'F', '8', '9', 'a', 0, 0});
    r = train(tmp.resolve("r3"), "folder:" + broken);
    assertEquals(1, r[0], (String) r[2]);
    assertOneLineError(r, broken.resolve("b.gif").toString());
  }

  @Test
  void aTruncatedCifarFileIsOneLineNamingItAndTheRecordLength() throws IOException {
    Path folder = tmp.resolve("d").resolve("cifar10").resolve("cifar-10-batches-bin");
    Files.createDirectories(folder);
    for (int f = 1; f <= 5; f++) {
      Files.write(folder.resolve("data_batch_" + f + ".bin"), new byte[f == 2 ? 3073 * 2 - 5 : 3073 * 2]);
    }
    Object[] r = train(tmp.resolve("r"), "cifar10", "--data-dir", tmp.resolve("d").toString());
    assertEquals(1, r[0], (String) r[2]);
    assertOneLineError(r, folder.resolve("data_batch_2.bin").toString());
    assertTrue(((String) r[2]).contains("3073"), (String) r[2]);
  }

  @Test
  void imageFlagsAreCheckedAndRefusedFor2dData() {
    assertOneLineError(train(tmp.resolve("a"), "gmm8", "--image-size", "8"), "--image-size");
    assertOneLineError(train(tmp.resolve("b"), "gmm8", "--hflip"), "--hflip");
    assertOneLineError(train(tmp.resolve("c"), "mnist", "--channels", "2"), "--channels");
    assertOneLineError(train(tmp.resolve("d"), "mnist", "--image-size", "0"), "--image-size");
  }
}
