package dev.scoreflow.data;

import java.nio.file.Path;
import java.util.Arrays;

/** What one IDX file of unsigned bytes holds: its dimension sizes and its payload, row-major. */
public final class IdxData {
  private final Path source;
  private final int[] dims;
  private final byte[] payload;

  IdxData(Path source, int[] dims, byte[] payload) {
    this.source = source;
    this.dims = dims.clone();
    this.payload = payload;
  }

  /** The file it was read from. */
  public Path source() {
    return source;
  }

  /** Dimension sizes, e.g. [10000, 28, 28] for images or [10000] for labels. */
  public int[] dims() {
    return dims.clone();
  }

  /** Size of the first dimension: the number of images or labels. */
  public int count() {
    return dims[0];
  }

  /** Bytes per item: rows * cols for images, 1 for labels. */
  public int itemSize() {
    int size = 1;
    for (int i = 1; i < dims.length; i++) {
      size *= dims[i];
    }
    return size;
  }

  /**
   * The payload itself, not a copy: a training set can be tens of megabytes and is handed to
   * the device once, so copying it here would only cost time. Callers must not change it.
   */
  public byte[] payload() {
    return payload;
  }

  /**
   * The items at {@code rows} (first-dimension indices, in that order) as a new IdxData with the
   * same source; used to split one file into training and held-out parts.
   */
  public IdxData select(int[] rows) {
    int item = itemSize();
    byte[] out = new byte[rows.length * item];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 0 || rows[i] >= count()) {
        throw new IndexOutOfBoundsException(source + ": item " + rows[i] + " of " + count());
      }
      System.arraycopy(payload, rows[i] * item, out, i * item, item);
    }
    int[] d = dims.clone();
    d[0] = rows.length;
    return new IdxData(source, d, out);
  }

  @Override
  public String toString() {
    return source + " " + Arrays.toString(dims);
  }
}
