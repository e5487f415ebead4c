package dev.scoreflow.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a NumPy .npy file (format 1.0-3.0) of little-endian float32 or float64 in C order, as a
 * float32 NDArray; the counterpart of {@link Npy}. Anything else is refused with a message.
 */
public final class NpyReader {
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private NpyReader() {}

  /**
   * A .npy header: the dtype, the shape, and where the data start.
   *
   * @param width bytes per value (4 for float32, 8 for float64)
   */
  public record Header(String descr, long[] shape, int dataStart, int width) {
    public long values() {
      long n = 1;
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }

    public long dataBytes() {
      return values() * width;
    }
  }

  /** The array of {@code file}, created on {@code manager}. */
  public static NDArray read(Path file, NDManager manager) throws IOException {
    Header h;
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      h = header(in, file);
      bytes = in.readAllBytes();
    }
    if (bytes.length != h.dataBytes()) {
      throw new IOException(file + ": " + bytes.length + " data bytes, shape "
          + new Shape(h.shape()) + " of " + h.descr() + " needs " + h.dataBytes());
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[Math.toIntExact(h.values())];
    for (int i = 0; i < values.length; i++) {
      values[i] = h.width() == 4 ? buf.getFloat(4 * i) : (float) buf.getDouble(8 * i);
    }
    return manager.create(values, new Shape(h.shape()));
  }

  /** The header of {@code file}. */
  public static Header header(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return header(in, file);
    }
  }

  /** Reads the header from {@code in}, leaving it at the first data byte. */
  public static Header header(InputStream in, Path file) throws IOException {
    byte[] magic = in.readNBytes(8);
    if (magic.length < 8 || (magic[0] & 0xff) != 0x93 || magic[1] != 'N' || magic[2] != 'U'
        || magic[3] != 'M' || magic[4] != 'P' || magic[5] != 'Y') {
      throw new IOException(file + ": not a .npy file");
    }
    int major = magic[6];
    int lengthBytes;
    if (major == 1) {
      lengthBytes = 2;
    } else if (major == 2 || major == 3) {
      lengthBytes = 4;
    } else {
      throw new IOException(file + ": .npy format version " + major + " is not supported");
    }
    byte[] len = in.readNBytes(lengthBytes);
    if (len.length < lengthBytes) {
      throw new IOException(file + ": truncated .npy header");
    }
    ByteBuffer lb = ByteBuffer.wrap(Arrays.copyOf(len, 4)).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = lb.getInt(0);
    byte[] text = headerLen < 0 ? new byte[0] : in.readNBytes(headerLen);
    if (headerLen < 0 || text.length < headerLen) {
      throw new IOException(file + ": truncated .npy header");
    }
    String header = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, file, "descr");
    if (group(FORTRAN, header, file, "fortran_order").equals("True")) {
      throw new IOException(file + ": Fortran-order arrays are not supported (save C order)");
    }
    long[] shape = parseShape(group(SHAPE, header, file, "shape"), file);
    int width = descr.equals("<f4") ? 4 : descr.equals("<f8") ? 8 : 0;
    if (width == 0) {
      throw new IOException(file + ": dtype " + descr + " is not supported (float32 or float64)");
    }
    return new Header(descr, shape, 8 + lengthBytes + headerLen, width);
  }

  private static String group(Pattern p, String header, Path file, String key) throws IOException {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new IOException(file + ": .npy header has no '" + key + "'");
    }
    return m.group(1);
  }

  private static long[] parseShape(String s, Path file) throws IOException {
    String[] parts = s.split(",");
    int count = 0;
    long[] dims = new long[parts.length];
    for (String p : parts) {
      String t = p.strip();
      if (t.isEmpty()) {
        continue;
      }
      try {
        dims[count++] = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
      } catch (NumberFormatException e) {
        throw new IOException(file + ": bad .npy shape (" + s + ")");
      }
    }
    return java.util.Arrays.copyOf(dims, count);
  }
}
