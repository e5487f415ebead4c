package dev.scoreflow.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX reading and writing, and every way a file can be broken: each message names file and fault. */
class IdxReaderTest {
  @TempDir Path dir;

  @Test
  void roundTripPlainAndGzip() throws IOException {
    byte[] pixels = TinyIdx.pixels(5, 3, 4);
    byte[] labels = TinyIdx.labels(5);
    for (String ext : new String[] {"", ".gz"}) {
      Path img = dir.resolve("images-idx3-ubyte" + ext);
      Path lab = dir.resolve("labels-idx1-ubyte" + ext);
      IdxWriter.writeImages(img, pixels, 5, 3, 4);
      IdxWriter.writeLabels(lab, labels);
      IdxData i = IdxReader.readImages(img);
      IdxData l = IdxReader.readLabels(lab);
      assertArrayEquals(new int[] {5, 3, 4}, i.dims(), ext);
      assertEquals(5, i.count());
      assertEquals(12, i.itemSize());
      assertArrayEquals(pixels, i.payload(), ext);
      assertArrayEquals(new int[] {5}, l.dims());
      assertArrayEquals(labels, l.payload());
      assertEquals(img, i.source());
    }
    // The .gz file really is compressed and the plain one is not.
    assertEquals(0x1f, Files.readAllBytes(dir.resolve("images-idx3-ubyte.gz"))[0] & 0xff);
    assertEquals(4 + 12 + 60, Files.size(dir.resolve("images-idx3-ubyte")));
  }

  @Test
  void compressionIsDetectedByContentNotByName() throws IOException {
    byte[] idx = IdxWriter.encode(TinyIdx.labels(7), 7);
    Path gzNoExt = dir.resolve("labels-unpacked-name");
    Files.write(gzNoExt, gzip(idx));
    Path plainWithGz = dir.resolve("labels.gz");
    Files.write(plainWithGz, idx);
    assertArrayEquals(TinyIdx.labels(7), IdxReader.readLabels(gzNoExt).payload());
    assertArrayEquals(TinyIdx.labels(7), IdxReader.readLabels(plainWithGz).payload());
  }

  @Test
  void wrongMagicIsReported() throws IOException {
    Path f = write("t10k-images-idx3-ubyte", "<html><body>404</body></html>".getBytes(StandardCharsets.US_ASCII));
    String m = failure(f, 3);
    assertMessage(m, f, "not an IDX file", "3c 68 74 6d", "error page", "expected magic number 0x00000803");
  }

  @Test
  void wrongDataTypeIsReported() throws IOException {
    byte[] idx = IdxWriter.encode(TinyIdx.pixels(2, 2, 2), 2, 2, 2);
    idx[2] = 0x0D;
    Path f = write("float-images", idx);
    assertMessage(failure(f, 3), f, "wrong data type", "0x00000D03", "0x0D (32-bit float)",
        "only 0x08 (unsigned bytes)", "expected magic 0x00000803");
  }

  @Test
  void wrongDimensionCountIsReported() throws IOException {
    Path f = dir.resolve("train-labels-idx1-ubyte");
    IdxWriter.writeLabels(f, TinyIdx.labels(4));
    assertMessage(failure(f, 3), f, "wrong number of dimensions", "0x00000801 says 1, expected 3",
        "labels file where an images file belongs");
  }

  @Test
  void truncatedHeaderIsReported() throws IOException {
    byte[] idx = IdxWriter.encode(TinyIdx.pixels(2, 2, 2), 2, 2, 2);
    Path f = write("short-header", Arrays.copyOf(idx, 10));
    assertMessage(failure(f, 3), f, "truncated header", "12 bytes", "has only 6");
    Path g = write("shorter-header", Arrays.copyOf(idx, 2));
    assertMessage(failure(g, 3), g, "truncated header", "has 2 bytes", "4-byte magic number");
    Path empty = write("empty", new byte[0]);
    assertMessage(failure(empty, 1), empty, "truncated header", "has 0 bytes");
  }

  @Test
  void truncatedPayloadIsReportedWithCounts() throws IOException {
    byte[] idx = IdxWriter.encode(TinyIdx.pixels(3, 28, 28), 3, 28, 28);
    byte[] cut = Arrays.copyOf(idx, idx.length - 100);
    Path plain = write("t10k-images-idx3-ubyte", cut);
    assertMessage(failure(plain, 3), plain,
        "truncated: header says 3 images of 28x28 = 2352 bytes, file has 2252 after its 16-byte header");
    Path gz = write("t10k-images-idx3-ubyte.gz", gzip(cut));
    assertMessage(failure(gz, 3), gz, "truncated: header says 3 images of 28x28 = 2352 bytes, file has 2252",
        "once unzipped");
    Path labels = write("labels", Arrays.copyOf(IdxWriter.encode(TinyIdx.labels(9), 9), 8 + 4));
    assertMessage(failure(labels, 1), labels, "truncated: header says 9 labels = 9 bytes, file has 4");
  }

  @Test
  void trailingBytesAreReported() throws IOException {
    byte[] idx = IdxWriter.encode(TinyIdx.labels(6), 6);
    byte[] longer = Arrays.copyOf(idx, idx.length + 5);
    Path f = write("train-labels-idx1-ubyte", longer);
    assertMessage(failure(f, 1), f, "trailing garbage", "6 labels = 6 bytes", "5 more bytes");
    Path gz = write("train-labels-idx1-ubyte.gz", gzip(longer));
    assertMessage(failure(gz, 1), gz, "trailing garbage", "5 more bytes", "once unzipped");
  }

  @Test
  void garbageGzipIsReported() throws IOException {
    byte[] junk = new byte[64];
    junk[0] = 0x1f;
    junk[1] = (byte) 0x8b;
    for (int i = 2; i < junk.length; i++) {
      junk[i] = (byte) (i * 37);
    }
    Path f = write("t10k-images-idx3-ubyte.gz", junk);
    assertMessage(failure(f, 3), f, "not a valid gzip file", "1f 8b");
  }

  @Test
  void cutOffGzipDownloadIsReported() throws IOException {
    byte[] gz = gzip(IdxWriter.encode(TinyIdx.pixels(50, 28, 28), 50, 28, 28));
    Path f = write("train-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2));
    assertMessage(failure(f, 3), f, "truncated gzip data", "fetch it again");
  }

  @Test
  void zeroSizesAreRejected() throws IOException {
    byte[] idx = IdxWriter.encode(TinyIdx.pixels(1, 2, 2), 1, 2, 2);
    idx[7] = 0; // count 1 -> 0
    Path f = write("no-images", idx);
    assertMessage(failure(f, 3), f, "the image count = 0", "expected 1 to");
  }

  @Test
  void hugeHeaderIsRejectedWithoutAllocating() throws IOException {
    byte[] idx = IdxWriter.encode(TinyIdx.pixels(1, 2, 2), 1, 2, 2);
    idx[4] = 0x7f; // count about 2^31
    idx[8] = 0x7f;
    Path f = write("huge", idx);
    assertMessage(failure(f, 3), f, "more than", "header is probably damaged");
  }

  @Test
  void missingFileIsMissingData() {
    Path f = dir.resolve("nothing-here");
    MissingDataException e = assertThrows(MissingDataException.class, () -> IdxReader.readLabels(f));
    assertMessage(e.getMessage(), f, "no such file");
  }

  @Test
  void writerRefusesInconsistentPayload() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IdxWriter.writeImages(dir.resolve("x"), new byte[10], 2, 2, 2));
    assertTrue(e.getMessage().contains("8 bytes, the payload has 10"), e.getMessage());
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  private static String failure(Path f, int dims) {
    return assertThrows(DataFormatException.class, () -> IdxReader.read(f, dims)).getMessage();
  }

  static void assertMessage(String message, Path file, String... parts) {
    assertTrue(message.startsWith(file.toString() + ": "), "should start with the file name: " + message);
    for (String p : parts) {
      assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
    }
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }
}
