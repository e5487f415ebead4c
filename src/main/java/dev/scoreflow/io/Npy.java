package dev.scoreflow.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.scoreflow.tensor.HostCopy;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * NumPy .npy files of little-endian float32 (format 1.0). {@link Writer} streams an array whose
 * first dimension is written chunk by chunk, so N samples never need to be in memory at once;
 * {@link #concat} joins shards along the first dimension into the file one writer would have
 * made.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

  private Npy() {}

  /** Writes the whole array. */
  public static void write(Path file, NDArray array) throws IOException {
    long[] shape = array.getShape().getShape();
    try (Writer w = new Writer(file, shape)) {
      w.append(array);
    }
  }

  /** The shape in a .npy file's header. */
  public static long[] shape(Path file) throws IOException {
    return NpyReader.header(file).shape();
  }

  /**
   * Joins .npy shards of equal trailing shape along their first dimension into {@code out}: the
   * bytes are those of one file holding all rows in shard order.
   */
  public static void concat(List<Path> shards, Path out) throws IOException {
    if (shards.isEmpty()) {
      throw new IllegalArgumentException("no .npy shards to join");
    }
    long rows = 0;
    long[] rest = null;
    for (Path s : shards) {
      long[] shape = shape(s);
      if (shape.length == 0) {
        throw new IllegalArgumentException(s + ": a 0-d array cannot be joined along rows");
      }
      long[] tail = Arrays.copyOfRange(shape, 1, shape.length);
      if (rest != null && !Arrays.equals(rest, tail)) {
        throw new IllegalArgumentException(s + ": rows of shape " + Arrays.toString(tail)
            + ", the first shard's are " + Arrays.toString(rest));
      }
      rest = tail;
      rows += shape[0];
    }
    long[] total = new long[rest.length + 1];
    total[0] = rows;
    System.arraycopy(rest, 0, total, 1, rest.length);
    try (Writer w = new Writer(out, total)) {
      for (Path s : shards) {
        try (InputStream in = Files.newInputStream(s)) {
          NpyReader.Header h = NpyReader.header(in, s);
          if (h.width() != Float.BYTES) {
            throw new IllegalArgumentException(s + ": expected float32 shards, got " + h.descr());
          }
          w.appendRaw(in, h.dataBytes(), h.shape()[0]);
        }
      }
    }
  }

  /**
   * Writes a float32 array of a declared shape row block by row block. The header is written
   * first, so the rows appended must add up to the shape's first dimension by {@link #close}.
   */
  public static final class Writer implements Closeable {
    private final Path file;
    private final long[] shape;
    private final long rowFloats;
    private final OutputStream out;
    private long rows;

    public Writer(Path file, long[] shape) throws IOException {
      this.file = file;
      this.shape = shape.clone();
      long r = 1;
      for (int i = 1; i < shape.length; i++) {
        r *= shape[i];
      }
      this.rowFloats = r;
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
      out.write(MAGIC);
      byte[] header = header(shape);
      out.write(header.length & 0xff);
      out.write((header.length >> 8) & 0xff);
      out.write(header);
    }

    /** Appends the rows of {@code block} (any dtype, converted to float32; not closed). */
    public void append(NDArray block) throws IOException {
      long[] s = block.getShape().getShape();
      long blockRows = shape.length == 0 ? 1 : s[0];
      if (block.size() != blockRows * rowFloats) {
        throw new IllegalArgumentException("block of shape " + block.getShape() + " does not"
            + " hold rows of " + rowFloats + " values for " + file);
      }
      float[] values;
      if (block.getDataType() == DataType.FLOAT32) {
        values = HostCopy.floats(block);
      } else {
        try (NDArray f = block.toType(DataType.FLOAT32, false)) {
          values = HostCopy.floats(f);
        }
      }
      ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      FloatBuffer fb = bytes.asFloatBuffer();
      fb.put(values);
      out.write(bytes.array());
      rows += blockRows;
    }

    void appendRaw(InputStream in, long bytes, long blockRows) throws IOException {
      long copied = in.transferTo(out);
      if (copied != bytes) {
        throw new IOException(file + ": a shard held " + copied + " data bytes, its header says "
            + bytes);
      }
      rows += blockRows;
    }

    @Override
    public void close() throws IOException {
      out.close();
      long want = shape.length == 0 ? 1 : shape[0];
      if (rows != want) {
        throw new IOException(file + ": " + rows + " rows written, the header declares " + want);
      }
    }
  }

  private static byte[] header(long[] shape) {
    StringBuilder sb = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
    for (long d : shape) {
      sb.append(d).append(", ");
    }
    if (shape.length > 1) {
      sb.setLength(sb.length() - 2);
    }
    sb.append("), }");
    // Magic + 2 version bytes + 2 length bytes + dict + newline, padded with spaces to 64 bytes.
    int total = MAGIC.length + 2 + sb.length() + 1;
    int pad = (64 - total % 64) % 64;
    sb.append(" ".repeat(pad)).append('\n');
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
