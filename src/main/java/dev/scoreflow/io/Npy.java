package dev.scoreflow.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.scoreflow.tensor.HostCopy;

/** Writes an NDArray as a NumPy .npy file (format 1.0, little-endian float32). */
public final class Npy {
  private Npy() {}

  public static void write(Path file, NDArray array) throws IOException {
    NDArray f = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
    long[] shape = f.getShape().getShape();
    StringBuilder sb = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
    for (long d : shape) {
      sb.append(d).append(", ");
    }
    if (shape.length > 1) {
      sb.setLength(sb.length() - 2);
    }
    sb.append("), }");
    // Header (magic + 2 version bytes + 2 length bytes + dict) padded with spaces to 64 bytes.
    int total = 10 + sb.length() + 1;
    int pad = (64 - total % 64) % 64;
    sb.append(" ".repeat(pad)).append('\n');
    byte[] header = sb.toString().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer data = HostCopy.read(f, NDArray::toByteBuffer).order(ByteOrder.LITTLE_ENDIAN);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
      out.write(header.length & 0xff);
      out.write((header.length >> 8) & 0xff);
      out.write(header);
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      out.write(bytes);
    }
  }
}
