package dev.scoreflow.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** The array of {@code file}, created on {@code manager}. */
  public static NDArray read(Path file, NDManager manager) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || bytes[1] != 'N' || bytes[2] != 'U'
        || bytes[3] != 'M' || bytes[4] != 'P' || bytes[5] != 'Y') {
      throw new IOException(file + ": not a .npy file");
    }
    int major = bytes[6];
    int headerLen;
    int start;
    if (major == 1) {
      headerLen = buf.getShort(8) & 0xffff;
      start = 10;
    } else if (major == 2 || major == 3) {
      headerLen = buf.getInt(8);
      start = 12;
    } else {
      throw new IOException(file + ": .npy format version " + major + " is not supported");
    }
    if (headerLen < 0 || start + headerLen > bytes.length) {
      throw new IOException(file + ": truncated .npy header");
    }
    String header = new String(bytes, start, headerLen,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, file, "descr");
    if (group(FORTRAN, header, file, "fortran_order").equals("True")) {
      throw new IOException(file + ": Fortran-order arrays are not supported (save C order)");
    }
    long[] shape = parseShape(group(SHAPE, header, file, "shape"), file);
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    int width = descr.equals("<f4") ? 4 : descr.equals("<f8") ? 8 : 0;
    if (width == 0) {
      throw new IOException(file + ": dtype " + descr + " is not supported (float32 or float64)");
    }
    int dataStart = start + headerLen;
    if ((long) bytes.length - dataStart != n * width) {
      throw new IOException(file + ": " + (bytes.length - dataStart) + " data bytes, shape "
          + new Shape(shape) + " of " + descr + " needs " + n * width);
    }
    float[] values = new float[Math.toIntExact(n)];
    for (int i = 0; i < values.length; i++) {
      values[i] = width == 4 ? buf.getFloat(dataStart + 4 * i)
          : (float) buf.getDouble(dataStart + 8 * i);
    }
    return manager.create(values, new Shape(shape));
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
