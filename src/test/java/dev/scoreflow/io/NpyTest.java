package dev.scoreflow.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy files: the header NumPy expects, little-endian data, streamed blocks and shard joins. */
class NpyTest {
  @TempDir Path tmp;

  static int dataOffset(byte[] b) {
    return 10 + ((b[8] & 0xff) | (b[9] & 0xff) << 8);
  }

  @Test
  void headerAndLittleEndianData() throws Exception {
    try (NDManager m = TestEngine.manager(0)) {
      Path f = tmp.resolve("a.npy");
      Npy.write(f, m.create(new float[] {1f, -2f, 0.5f, 3f, 4f, 5f}, new Shape(3, 2)));
      byte[] b = Files.readAllBytes(f);
      assertEquals(0, dataOffset(b) % 64);
      String header = new String(b, 10, dataOffset(b) - 10, StandardCharsets.US_ASCII);
      assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }"), header);
      // 1.0f is 0x3f800000: little-endian bytes 00 00 80 3f.
      int o = dataOffset(b);
      assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f}, Arrays.copyOfRange(b, o, o + 4));
      assertEquals(6 * 4, b.length - o);
      assertArrayEquals(new long[] {3, 2}, Npy.shape(f));
    }
  }

  @Test
  void blocksAndShardsGiveTheBytesOfOneWrite() throws Exception {
    try (NDManager m = TestEngine.manager(0)) {
      NDArray all = m.randomNormal(new Shape(10, 1, 2, 3));
      Path one = tmp.resolve("one.npy");
      Npy.write(one, all);
      Path streamed = tmp.resolve("streamed.npy");
      try (Npy.Writer w = new Npy.Writer(streamed, new long[] {10, 1, 2, 3})) {
        w.append(all.get("0:4"));
        w.append(all.get("4:10"));
      }
      assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(streamed));
      Path a = tmp.resolve("a.npy");
      Path b = tmp.resolve("b.npy");
      Path c = tmp.resolve("c.npy");
      Npy.write(a, all.get("0:3"));
      Npy.write(b, all.get("3:9"));
      Npy.write(c, all.get("9:10"));
      Path joined = tmp.resolve("joined.npy");
      Npy.concat(List.of(a, b, c), joined);
      assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(joined));
    }
  }

  @Test
  void wrongRowCountsAndMismatchedShardsAreErrors() throws Exception {
    try (NDManager m = TestEngine.manager(0)) {
      Path f = tmp.resolve("short.npy");
      Npy.Writer w = new Npy.Writer(f, new long[] {5, 2});
      w.append(m.zeros(new Shape(3, 2)));
      assertThrows(java.io.IOException.class, w::close);
      Path a = tmp.resolve("a.npy");
      Path b = tmp.resolve("b.npy");
      Npy.write(a, m.zeros(new Shape(2, 2)));
      Npy.write(b, m.zeros(new Shape(2, 3)));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Npy.concat(List.of(a, b), tmp.resolve("j.npy")));
      assertTrue(e.getMessage().contains(b.toString()), e.getMessage());
    }
  }
}
