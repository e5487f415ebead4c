package dev.scoreflow.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.schedule.VpLinear;
import java.util.List;

/**
 * The 2-D data sets, drawn on the fly on the device from the engine's seeded generator. Each is
 * scaled to roughly [-4, 4]^2 so that one default schedule suits all of them.
 */
public enum ToyData {
  MOONS("moons") {
    @Override
    public NDArray sample(NDManager m, int n) {
      // Two interleaved half circles, the second shifted; Gaussian jitter 0.05 before scaling.
      NDArray u = m.randomUniform(0f, (float) Math.PI, new Shape(n));
      NDArray upper = m.randomUniform(0f, 1f, new Shape(n)).lt(0.5f).toType(DataType.FLOAT32, false);
      NDArray lower = upper.neg().add(1f);
      NDArray x = u.cos().mul(upper).add(u.cos().neg().add(1f).mul(lower));
      NDArray y = u.sin().mul(upper).add(u.sin().neg().add(0.5f).mul(lower));
      NDArray pts = NDArrays.stack(new NDList(x.sub(0.5f), y.sub(0.25f)), 1);
      return pts.add(m.randomNormal(0f, 0.05f, pts.getShape(), DataType.FLOAT32)).muli(2f);
    }
  },
  SWISSROLL("swissroll") {
    @Override
    public NDArray sample(NDManager m, int n) {
      NDArray r = m.randomUniform(0f, 1f, new Shape(n)).mul(2f).add(1f).mul((float) (1.5 * Math.PI));
      NDArray pts = NDArrays.stack(new NDList(r.mul(r.cos()), r.mul(r.sin())), 1);
      return pts.add(m.randomNormal(0f, 0.5f, pts.getShape(), DataType.FLOAT32)).divi(4f);
    }
  },
  CHECKERBOARD("checkerboard") {
    @Override
    public NDArray sample(NDManager m, int n) {
      // x uniform on [-2, 2); y in the unit band that makes (floor x + floor y) even.
      NDArray x = m.randomUniform(-2f, 2f, new Shape(n));
      NDArray band = m.randomInteger(0, 2, new Shape(n), DataType.INT32).toType(DataType.FLOAT32, false);
      NDArray y = m.randomUniform(0f, 1f, new Shape(n)).sub(band.mul(2f))
          .add(x.floor().mod(2f));
      return NDArrays.stack(new NDList(x, y), 1).muli(2f);
    }
  },
  RINGS("rings") {
    @Override
    public NDArray sample(NDManager m, int n) {
      // Four concentric circles of radii 1..4 (scaled by 0.9), equally likely, jitter 0.08.
      NDArray ring = m.randomInteger(1, 5, new Shape(n), DataType.INT32).toType(DataType.FLOAT32, false);
      NDArray angle = m.randomUniform(0f, (float) (2 * Math.PI), new Shape(n));
      NDArray r = ring.mul(0.9f);
      NDArray pts = NDArrays.stack(new NDList(r.mul(angle.cos()), r.mul(angle.sin())), 1);
      return pts.add(m.randomNormal(0f, 0.08f, pts.getShape(), DataType.FLOAT32));
    }
  },
  GMM8("gmm8") {
    @Override
    public NDArray sample(NDManager m, int n) {
      // The oracle's own sampler: 8 Gaussians on a circle of radius 2, std 0.15 (THEORY.md).
      return GaussianMixtureOracle.gmm8(new VpLinear(), m).sampleData(m, n);
    }
  };

  public static final List<String> NAMES = List.of("moons", "swissroll", "checkerboard", "rings", "gmm8");

  private final String id;

  ToyData(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** n points, shape [n, 2], float32, on {@code m}'s device. */
  public abstract NDArray sample(NDManager m, int n);

  /** Half-width of the square that plots of this data set show. */
  public double plotRange() {
    return 4.5;
  }

  public static ToyData byName(String name) {
    for (ToyData d : values()) {
      if (d.id.equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("--data: unknown data set '" + name + "', expected one of " + NAMES);
  }
}
