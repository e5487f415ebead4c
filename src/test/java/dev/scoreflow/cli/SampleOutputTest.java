package dev.scoreflow.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code sample} writes: shards of chunks that join into the one-process .npy byte for
 * byte, one PNG per sample holding that sample's pixels, every sample in the .npy when the grid
 * shows fewer, and bad output flags refused before any sampling.
 */
class SampleOutputTest {
  @TempDir Path tmp;

  static final String GMM8 = "models/gmm8-mlp";
  static final String MNIST = "models/mnist-unet-s";

  static Object[] sample(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "sample";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--device";
    all[args.length + 2] = "cpu";
    return CliTest.run(all);
  }

  static void ok(Object[] r) {
    assertEquals(0, r[0], (String) r[2]);
  }

  @Test
  void shardsJoinIntoTheOneProcessOutput() throws Exception {
    String[] common = {"--model", GMM8, "--sampler", "sde", "--steps", "30", "--n", "1000",
        "--chunk", "200", "--seed", "4"};
    Path whole = tmp.resolve("whole.npy");
    ok(sample(concat(common, "--npy", whole.toString(), "--out", tmp.resolve("w.png").toString())));
    Path a = tmp.resolve("a.npy");
    Path b = tmp.resolve("b.npy");
    ok(sample(concat(common, "--chunks", "0:3", "--npy", a.toString(), "--out",
        tmp.resolve("a.png").toString())));
    Object[] rb = sample(concat(common, "--chunks", "3:5", "--npy", b.toString(), "--out",
        tmp.resolve("b.png").toString()));
    ok(rb);
    assertTrue(((String) rb[1]).contains("n 400 (chunks 3:5 of 5)"), (String) rb[1]);
    Path joined = tmp.resolve("joined.npy");
    ok(CliTest.run("npy-concat", "--out", joined.toString(), a.toString(), b.toString()));
    assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(joined));
    // Another chunk size makes other samples (the seeds follow the chunks).
    Path other = tmp.resolve("other.npy");
    ok(sample("--model", GMM8, "--sampler", "sde", "--steps", "30", "--n", "1000", "--chunk",
        "250", "--seed", "4", "--npy", other.toString(), "--out", tmp.resolve("o.png").toString()));
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(whole), Files.readAllBytes(other)));
  }

  @Test
  void onePngPerSampleAndEverySampleInTheNpy() throws Exception {
    Path dir = tmp.resolve("pngs");
    Path npy = tmp.resolve("s.npy");
    Path grid = tmp.resolve("grid.png");
    // 5 samples, grid of 2x2: the picture shows the first 4, the .npy and the folder hold all 5.
    Object[] r = sample("--model", MNIST, "--steps", "2", "--n", "5", "--chunk", "2", "--grid",
        "2x2", "--images", dir.toString(), "--npy", npy.toString(), "--out", grid.toString());
    ok(r);
    for (int i = 0; i < 5; i++) {
      assertTrue(Files.exists(dir.resolve(String.format("%06d.png", i))), "sample " + i);
    }
    assertFalse(Files.exists(dir.resolve("000005.png")));
    byte[] b = Files.readAllBytes(npy);
    int offset = 10 + ((b[8] & 0xff) | (b[9] & 0xff) << 8);
    assertEquals(5 * 28 * 28 * 4, b.length - offset);
    ByteBuffer data = ByteBuffer.wrap(b, offset, b.length - offset).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 5; i++) {
      BufferedImage img = ImageIO.read(dir.resolve(String.format("%06d.png", i)).toFile());
      assertEquals(28, img.getWidth());
      assertEquals(28, img.getHeight());
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          float v = data.getFloat(offset + ((i * 28 + y) * 28 + x) * 4);
          int want = (int) ((Math.max(-1, Math.min(1, v)) + 1) * 127.5f + 0.5f);
          int have = img.getRaster().getSample(x, y, 0);
          assertTrue(Math.abs(want - have) <= 1, "sample " + i + " pixel " + x + "," + y + ": "
              + have + " for value " + v);
        }
      }
    }
    BufferedImage g = ImageIO.read(grid.toFile());
    // 2 columns of digits drawn 3x (the default for 28x28) and a 2-pixel border.
    assertEquals(2 * 28 * 3 + 2, g.getWidth());
    assertEquals(2 * 28 * 3 + 2, g.getHeight());
    assertTrue(((String) r[1]).contains("(grid 2x2: the first 4 of 5 samples)"), (String) r[1]);
  }

  /**
   * Fewer samples than --grid has cells: all of them are drawn, the empty rows are dropped and
   * the result line says so; --scale sets the cell size. Before, the picture kept every row of
   * the grid, empty ones included, without a word.
   */
  @Test
  void fewerSamplesThanCellsDropTheEmptyRows() throws Exception {
    Path npy = tmp.resolve("few.npy");
    Path grid = tmp.resolve("few.png");
    Object[] r = sample("--model", MNIST, "--steps", "1", "--n", "3", "--grid", "3x4", "--scale",
        "2", "--npy", npy.toString(), "--out", grid.toString());
    ok(r);
    assertTrue(((String) r[1]).contains("(grid 1x4: all 3 samples; --grid 3x4 has 12 cells)"),
        (String) r[1]);
    BufferedImage g = ImageIO.read(grid.toFile());
    assertEquals(4 * 28 * 2 + 3 * 2, g.getWidth());
    assertEquals(28 * 2, g.getHeight());
    // The fourth cell is empty (white); the .npy holds the 3 samples.
    for (int y = 0; y < 56; y++) {
      for (int x = 3 * 58; x < g.getWidth(); x++) {
        assertEquals(255, g.getRaster().getSample(x, y, 0), "empty cell at " + x + "," + y);
      }
    }
    byte[] b = Files.readAllBytes(npy);
    int offset = 10 + ((b[8] & 0xff) | (b[9] & 0xff) << 8);
    assertEquals(3 * 28 * 28 * 4, b.length - offset);
  }

  @Test
  void badPictureFlagsAreRefusedBeforeSampling() throws Exception {
    Path out = tmp.resolve("never.png");
    for (String bad : new String[] {"0", "17", "-2", "x"}) {
      CliTest.assertOneLineError(sample("--model", MNIST, "--scale", bad, "--out", out.toString()),
          "--scale");
    }
    // 2-D models draw a scatter plot: a scale means nothing there.
    CliTest.assertOneLineError(sample("--model", GMM8, "--scale", "2", "--out", out.toString()),
        "--scale");
    CliTest.assertOneLineError(sample("--model", MNIST, "--grid", "8by8", "--out",
        out.toString()), "--grid");
    // A picture too large to write is refused before the 40,000 samples it would show are made.
    long t0 = System.nanoTime();
    Object[] huge = sample("--model", MNIST, "--grid", "200x200", "--out", out.toString());
    CliTest.assertOneLineError(huge, "--grid");
    CliTest.assertOneLineError(huge, "--scale");
    assertTrue(System.nanoTime() - t0 < 60e9, "refused before sampling");
    assertFalse(Files.exists(out), "nothing may be written");
  }

  @Test
  void badOutputFlagsAreRefusedBeforeSampling() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("folder"));
    CliTest.assertOneLineError(sample("--model", GMM8, "--npy", folder.toString()), "--npy");
    CliTest.assertOneLineError(sample("--model", GMM8, "--images", tmp.resolve("p").toString()),
        "--images");
    CliTest.assertOneLineError(sample("--model", GMM8, "--n", "100", "--chunks", "0:2"),
        "--chunks");
    CliTest.assertOneLineError(sample("--model", GMM8, "--chunk", "0"), "--chunk");
    Path file = Files.writeString(tmp.resolve("f"), "x");
    CliTest.assertOneLineError(sample("--model", MNIST, "--images", file.toString()), "--images");
    assertFalse(Files.exists(Path.of("samples.png")) && Files.getLastModifiedTime(Path.of("samples.png"))
        .toMillis() > System.currentTimeMillis() - 60_000, "nothing may be written");
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
