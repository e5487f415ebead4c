package dev.scoreflow.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import org.junit.jupiter.api.Test;

/** Scalars gives exactly what DJL's op(Number) gives, so replacing one by the other changes no bit. */
class ScalarsTest {
  private static final double[] VALUES = {0.5, 0.1, 1.0 / 3, -2.718281828459045, 1e-6, 1000, 7};

  @Test
  void float32ResultsAreBitIdenticalToNumberOperands() {
    try (NDManager m = TestEngine.manager(9)) {
      NDArray x = m.randomNormal(new Shape(257)).mul(m.randomUniform(0f, 100f, new Shape(257)));
      for (double v : VALUES) {
        same(x.mul(v), Scalars.mul(x, v), "mul " + v);
        same(x.div(v), Scalars.div(x, v), "div " + v);
        same(x.add(v), Scalars.add(x, v), "add " + v);
        same(x.sub(v), Scalars.sub(x, v), "sub " + v);
        same(x.minimum(v), Scalars.minimum(x, v), "minimum " + v);
        same(x.maximum(v), Scalars.maximum(x, v), "maximum " + v);
        same(x.neg().add(v), Scalars.rsub(v, x), "rsub " + v);
        assertArrayEquals(x.gt(v).toBooleanArray(), Scalars.gt(x, v).toBooleanArray(), "gt " + v);
        same(x.duplicate().muli(v), Scalars.muli(x.duplicate(), v), "muli " + v);
        same(x.duplicate().divi(v), Scalars.divi(x.duplicate(), v), "divi " + v);
      }
    }
  }

  @Test
  void constantsKeepTheArraysTypeAndDevice() {
    try (NDManager m = TestEngine.manager(9)) {
      NDArray d = m.randomNormal(new Shape(5)).toType(DataType.FLOAT64, false);
      NDArray c = Scalars.like(d, 0.1);
      assertEquals(DataType.FLOAT64, c.getDataType());
      assertEquals(0.1, HostCopy.scalar(c), 0.0); // full double precision
      assertEquals(d.getDevice(), c.getDevice());
      NDArray i = Scalars.like(m.arange(0, 4, 1, DataType.INT64), 3);
      assertEquals(DataType.INT64, i.getDataType());
    }
  }

  private static void same(NDArray want, NDArray got, String what) {
    float[] w = HostCopy.floats(want);
    float[] g = HostCopy.floats(got);
    assertEquals(w.length, g.length, what);
    for (int k = 0; k < w.length; k++) {
      assertEquals(Float.floatToRawIntBits(w[k]), Float.floatToRawIntBits(g[k]),
          what + " at " + k + ": " + w[k] + " vs " + g[k]);
    }
  }
}
