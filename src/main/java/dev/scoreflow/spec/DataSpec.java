package dev.scoreflow.spec;

import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * What one example of a data set is: a point in R^d or an image C x H x W, and the names of its
 * classes (none for unlabelled data). Read by the trainer, the networks, the checkpoint code
 * and evaluation, so nothing there needs to know a data set by its name.
 */
public final class DataSpec {
  /** The kind of data: the type every "is it an image?" question asks. */
  public enum Kind { POINTS, IMAGES }

  private final Kind kind;
  private final Shape exampleShape;
  private final List<String> classNames;

  private DataSpec(Kind kind, Shape exampleShape, List<String> classNames) {
    this.kind = kind;
    this.exampleShape = exampleShape;
    this.classNames = List.copyOf(classNames);
  }

  /** Points in R^dim. */
  public static DataSpec points(int dim, List<String> classNames) {
    return new DataSpec(Kind.POINTS, new Shape(dim), classNames);
  }

  /** Images of {@code channels} x {@code height} x {@code width}. */
  public static DataSpec images(int channels, int height, int width, List<String> classNames) {
    return new DataSpec(Kind.IMAGES, new Shape(channels, height, width), classNames);
  }

  /** The spec a shape implies: rank 1 is points, rank 3 is C x H x W. */
  public static DataSpec ofShape(long[] shape, List<String> classNames) {
    if (shape.length == 1) {
      return points((int) shape[0], classNames);
    }
    if (shape.length == 3) {
      return images((int) shape[0], (int) shape[1], (int) shape[2], classNames);
    }
    throw new IllegalArgumentException("a data shape is [d] or [C, H, W], got " + new Shape(shape));
  }

  public Kind kind() {
    return kind;
  }

  public boolean isImages() {
    return kind == Kind.IMAGES;
  }

  /** [d] or [C, H, W]. */
  public Shape exampleShape() {
    return exampleShape;
  }

  public int channels() {
    return isImages() ? (int) exampleShape.get(0) : 0;
  }

  public int height() {
    return isImages() ? (int) exampleShape.get(1) : 0;
  }

  public int width() {
    return isImages() ? (int) exampleShape.get(2) : 0;
  }

  /** Class names in label order; empty when the data carry no labels. */
  public List<String> classNames() {
    return classNames;
  }

  public int numClasses() {
    return classNames.size();
  }

  /** e.g. {@code 3x32x32} or {@code 2}. */
  public String describeShape() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < exampleShape.dimension(); i++) {
      b.append(i == 0 ? "" : "x").append(exampleShape.get(i));
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase() + " " + describeShape()
        + (classNames.isEmpty() ? "" : ", " + classNames.size() + " classes");
  }
}
