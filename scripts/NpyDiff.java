// Largest absolute difference between two float32 .npy files of the same shape, printed as
// one number; exit 2 when they cannot be compared. Run as a single-file program (Java 11+):
//   java scripts/NpyDiff.java a.npy b.npy
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public class NpyDiff {
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java scripts/NpyDiff.java A.npy B.npy");
      System.exit(2);
    }
    float[] a = read(Path.of(args[0]));
    float[] b = read(Path.of(args[1]));
    if (a.length != b.length) {
      System.err.println("sizes differ: " + a.length + " vs " + b.length);
      System.exit(2);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      double d = Math.abs((double) a[i] - b[i]);
      if (Double.isNaN(d)) {
        max = Double.NaN;
        break;
      }
      max = Math.max(max, d);
    }
    System.out.println(max);
  }

  /** The payload of a version-1 little-endian float32 .npy, as scoreflow writes it. */
  static float[] read(Path p) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen = buf.getShort(8) & 0xffff;
    String header = new String(buf.array(), 10, headerLen, StandardCharsets.US_ASCII);
    if (!header.contains("'<f4'")) {
      throw new IOException(p + ": not little-endian float32: " + header.trim());
    }
    buf.position(10 + headerLen);
    float[] out = new float[buf.remaining() / 4];
    buf.asFloatBuffer().get(out);
    return out;
  }
}
