package dev.scoreflow.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --data cifar10}: small files in the binary CIFAR-10 format read back exactly. */
class Cifar10ImagesTest {
  static final int RECORD = 1 + 3072;

  @TempDir Path dataDir;

  /** Record r of file f: label (f + r) % 10, pixel j = (f * 13 + r * 7 + j) % 256. */
  static byte[] batch(int f, int records) {
    byte[] b = new byte[records * RECORD];
    for (int r = 0; r < records; r++) {
      b[r * RECORD] = (byte) ((f + r) % 10);
      for (int j = 0; j < 3072; j++) {
        b[r * RECORD + 1 + j] = (byte) ((f * 13 + r * 7 + j) % 256);
      }
    }
    return b;
  }

  /** Writes data_batch_1..5 (2 records each) and test_batch (3 records) under dataDir. */
  static Path writeCifar(Path dataDir) throws IOException {
    Path folder = dataDir.resolve("cifar10").resolve("cifar-10-batches-bin");
    Files.createDirectories(folder);
    for (int f = 1; f <= 5; f++) {
      Files.write(folder.resolve("data_batch_" + f + ".bin"), batch(f, 2));
    }
    Files.write(folder.resolve("test_batch.bin"), batch(0, 3));
    return folder;
  }

  private ImageSet load() {
    return ImageSource.load("cifar10", ImageOptions.plain(dataDir));
  }

  @Test
  void recordsReadBackAsThreeByThirtyTwoByThirtyTwo() throws IOException {
    writeCifar(dataDir);
    ImageSet set = load();
    assertEquals(10, set.count());
    assertEquals("images 3x32x32, 10 classes", set.spec().toString());
    assertEquals("airplane", set.classNames().get(0));
    assertEquals("truck", set.classNames().get(9));
    for (int f = 1; f <= 5; f++) {
      byte[] b = batch(f, 2);
      for (int r = 0; r < 2; r++) {
        int i = (f - 1) * 2 + r;
        assertEquals(b[r * RECORD], set.labels()[i], "label of image " + i);
        assertArrayEquals(Arrays.copyOfRange(b, r * RECORD + 1, (r + 1) * RECORD),
            Arrays.copyOfRange(set.pixels(), i * 3072, (i + 1) * 3072), "image " + i);
      }
    }
    ImageSet test = ImageSource.loadHeldOut("cifar10", ImageOptions.plain(dataDir));
    assertEquals(3, test.count());
    assertArrayEquals(new int[] {0, 1, 2}, test.labels());
  }

  @Test
  void classNamesComeFromTheMetaFile() throws IOException {
    Path folder = writeCifar(dataDir);
    List<String> names = List.of("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9");
    Files.write(folder.resolve("batches.meta.txt"), (String.join("\n", names) + "\n\n").getBytes());
    assertEquals(names, load().classNames());
    Files.writeString(folder.resolve("batches.meta.txt"), "only\ntwo\n");
    String m = assertThrows(DataFormatException.class, this::load).getMessage();
    assertTrue(m.contains("data_batch_1.bin") && m.contains("label 2"), m);
  }

  @Test
  void aTruncatedFileIsNamedWithTheExpectedLength() throws IOException {
    Path folder = writeCifar(dataDir);
    Path third = folder.resolve("data_batch_3.bin");
    byte[] b = Files.readAllBytes(third);
    Files.write(third, Arrays.copyOf(b, b.length - 100));
    String m = assertThrows(DataFormatException.class, this::load).getMessage();
    assertTrue(m.contains(third.toString()) && m.contains("3073") && m.contains("30730000"), m);
    assertEquals(1, m.lines().count());
    Files.write(third, new byte[0]);
    assertTrue(assertThrows(DataFormatException.class, this::load).getMessage().contains(third.toString()));
  }

  @Test
  void missingAndDamagedFilesAreNamed() throws IOException {
    String none = assertThrows(MissingDataException.class, this::load).getMessage();
    assertTrue(none.contains("get-datasets.sh") && none.contains("data_batch_1.bin"), none);
    Path folder = writeCifar(dataDir);
    Files.delete(folder.resolve("data_batch_4.bin"));
    String four = assertThrows(DataFormatException.class, this::load).getMessage();
    assertTrue(four.contains(folder.resolve("data_batch_4.bin").toString()), four);
    byte[] b = batch(4, 2);
    b[RECORD] = 10; // the second record's label
    Files.write(folder.resolve("data_batch_4.bin"), b);
    String label = assertThrows(DataFormatException.class, this::load).getMessage();
    assertTrue(label.contains("data_batch_4.bin") && label.contains("record 1") && label.contains("0..9"), label);
  }
}
