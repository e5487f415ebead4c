package dev.scoreflow.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.oracle.GaussianMixtureOracle;
import dev.scoreflow.schedule.VpLinear;
import dev.scoreflow.spec.DataSpec;
import dev.scoreflow.tensor.Scalars;
import java.util.List;

/**
 * The 2-D data sets, drawn on the fly on the device from the engine's seeded generator. Each is
 * scaled to roughly [-4, 4]^2 so that one default schedule suits all of them. Where a set has a
 * part each point comes from, that part is its class label, taken from the same draw: gmm8's
 * mode, which moon, which ring, which square of the checkerboard; the swiss roll has none.
 * Labels cost no random numbers, so the points of a labelled draw are those of an unlabelled one.
 */
public enum ToyData {
  MOONS("moons", List.of("upper moon", "lower moon")) {
    @Override
    Draw draw(NDManager m, int n, boolean withLabels) {
      // Two interleaved half circles, the second shifted; Gaussian jitter 0.05 before scaling.
      NDArray u = m.randomUniform(0f, (float) Math.PI, new Shape(n));
      NDArray isUpper = Scalars.lt(m.randomUniform(0f, 1f, new Shape(n)), 0.5);
      NDArray upper = isUpper.toType(DataType.FLOAT32, false);
      NDArray lower = Scalars.rsub(1, upper);
      NDArray x = u.cos().mul(upper).add(Scalars.rsub(1, u.cos()).mul(lower));
      NDArray y = u.sin().mul(upper).add(Scalars.rsub(0.5, u.sin()).mul(lower));
      NDArray pts = NDArrays.stack(new NDList(Scalars.sub(x, 0.5), Scalars.sub(y, 0.25)), 1);
      pts = Scalars.muli(pts.add(m.randomNormal(0f, 0.05f, pts.getShape(), DataType.FLOAT32)), 2);
      return new Draw(pts, withLabels ? isUpper.logicalNot().toType(DataType.INT32, false) : null);
    }
  },
  SWISSROLL("swissroll", List.of()) {
    @Override
    Draw draw(NDManager m, int n, boolean withLabels) {
      NDArray u = m.randomUniform(0f, 1f, new Shape(n));
      NDArray r = Scalars.mul(Scalars.add(Scalars.mul(u, 2), 1), (float) (1.5 * Math.PI));
      NDArray pts = NDArrays.stack(new NDList(r.mul(r.cos()), r.mul(r.sin())), 1);
      return new Draw(
          Scalars.divi(pts.add(m.randomNormal(0f, 0.5f, pts.getShape(), DataType.FLOAT32)), 4), null);
    }
  },
  CHECKERBOARD("checkerboard", List.of("square 0", "square 1", "square 2", "square 3",
      "square 4", "square 5", "square 6", "square 7")) {
    @Override
    Draw draw(NDManager m, int n, boolean withLabels) {
      // x uniform on [-2, 2); y in the unit band that makes (floor x + floor y) even.
      NDArray x = m.randomUniform(-2f, 2f, new Shape(n));
      NDArray bandIndex = m.randomInteger(0, 2, new Shape(n), DataType.INT32);
      NDArray band = bandIndex.toType(DataType.FLOAT32, false);
      NDArray y = m.randomUniform(0f, 1f, new Shape(n)).sub(Scalars.mul(band, 2))
          .add(Scalars.mod(x.floor(), 2));
      NDArray pts = Scalars.muli(NDArrays.stack(new NDList(x, y), 1), 2);
      if (!withLabels) {
        return new Draw(pts, null);
      }
      // Square 2 * column + band: columns left to right, the upper band of a column first.
      NDArray column = Scalars.add(x.floor().toType(DataType.INT32, false), 2);
      return new Draw(pts, Scalars.mul(column, 2).add(bandIndex));
    }
  },
  RINGS("rings", List.of("r=0.9", "r=1.8", "r=2.7", "r=3.6")) {
    @Override
    Draw draw(NDManager m, int n, boolean withLabels) {
      // Four concentric circles of radii 1..4 (scaled by 0.9), equally likely, jitter 0.08.
      NDArray ringIndex = m.randomInteger(1, 5, new Shape(n), DataType.INT32);
      NDArray ring = ringIndex.toType(DataType.FLOAT32, false);
      NDArray angle = m.randomUniform(0f, (float) (2 * Math.PI), new Shape(n));
      NDArray r = Scalars.mul(ring, 0.9f);
      NDArray pts = NDArrays.stack(new NDList(r.mul(angle.cos()), r.mul(angle.sin())), 1);
      pts = pts.add(m.randomNormal(0f, 0.08f, pts.getShape(), DataType.FLOAT32));
      return new Draw(pts, withLabels ? Scalars.sub(ringIndex, 1) : null);
    }
  },
  GMM8("gmm8", List.of("mode 0", "mode 1", "mode 2", "mode 3", "mode 4", "mode 5", "mode 6",
      "mode 7")) {
    @Override
    Draw draw(NDManager m, int n, boolean withLabels) {
      // The oracle's own sampler: 8 Gaussians on a circle of radius 2, std 0.15 (docs/theory.md,
      // "Oracles for tests"); mode k is centred at angle k pi/4.
      NDArray[] d = GaussianMixtureOracle.gmm8(new VpLinear(), m).sampleLabelledData(m, n);
      return new Draw(d[0], withLabels ? d[1].toType(DataType.INT32, false) : null);
    }
  };

  /** Points [n, 2] and their labels, INT32 [n] (null for a set without labels). */
  public record Draw(NDArray points, NDArray labels) {}

  public static final List<String> NAMES = List.of("moons", "swissroll", "checkerboard", "rings", "gmm8");

  private final String id;
  private final List<String> classNames;

  ToyData(String id, List<String> classNames) {
    this.id = id;
    this.classNames = classNames;
  }

  public String id() {
    return id;
  }

  /** The draw of n points, with labels when {@code withLabels} and the set has them. */
  abstract Draw draw(NDManager m, int n, boolean withLabels);

  /** n points, shape [n, 2], float32, on {@code m}'s device. */
  public NDArray sample(NDManager m, int n) {
    return draw(m, n, false).points();
  }

  /**
   * n points and their labels from one draw, on {@code m}'s device; the points are those
   * {@link #sample} gives for the same generator state. Labels are null for a set without.
   */
  public Draw sampleLabelled(NDManager m, int n) {
    return draw(m, n, true);
  }

  /** Names of the classes in label order; empty for a set without labels. */
  public List<String> classNames() {
    return classNames;
  }

  /** What one point is: R^2, with this set's classes. */
  public DataSpec spec() {
    return DataSpec.points(2, classNames);
  }

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
