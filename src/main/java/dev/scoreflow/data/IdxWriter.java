package dev.scoreflow.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files of unsigned bytes, gzip-compressed when the name ends in ".gz". */
public final class IdxWriter {
  private IdxWriter() {}

  /** An images file: {@code pixels} holds count * rows * cols bytes, image after image. */
  public static void writeImages(Path file, byte[] pixels, int count, int rows, int cols) throws IOException {
    write(file, pixels, count, rows, cols);
  }

  /** A labels file: one byte per label. */
  public static void writeLabels(Path file, byte[] labels) throws IOException {
    write(file, labels, labels.length);
  }

  /**
   * Any unsigned-byte IDX file. It is written next to its final name and then moved there, so a
   * reader (or an interrupted run) never finds half a file under the real name.
   */
  public static void write(Path file, byte[] payload, int... dims) throws IOException {
    byte[] bytes = encode(payload, dims);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        if (file.getFileName().toString().endsWith(".gz")) {
          try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
            gz.write(bytes);
          }
        } else {
          out.write(bytes);
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The uncompressed bytes of an IDX file: magic, big-endian sizes, payload. */
  public static byte[] encode(byte[] payload, int... dims) {
    if (dims.length < 1 || dims.length > 255) {
      throw new IllegalArgumentException("an IDX file has 1 to 255 dimensions, got " + dims.length);
    }
    long n = 1;
    for (int d : dims) {
      if (d <= 0) {
        throw new IllegalArgumentException("IDX dimension sizes must be positive, got " + d);
      }
      n *= d;
    }
    if (n != payload.length) {
      throw new IllegalArgumentException("the dimensions give " + n + " bytes, the payload has " + payload.length);
    }
    int header = 4 + 4 * dims.length;
    if (header + n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("too large for one IDX file here: " + (header + n) + " bytes");
    }
    byte[] out = new byte[header + payload.length];
    out[2] = (byte) IdxReader.UNSIGNED_BYTE;
    out[3] = (byte) dims.length;
    for (int i = 0; i < dims.length; i++) {
      int d = dims[i];
      out[4 + 4 * i] = (byte) (d >>> 24);
      out[5 + 4 * i] = (byte) (d >>> 16);
      out[6 + 4 * i] = (byte) (d >>> 8);
      out[7 + 4 * i] = (byte) d;
    }
    System.arraycopy(payload, 0, out, header, payload.length);
    return out;
  }
}
