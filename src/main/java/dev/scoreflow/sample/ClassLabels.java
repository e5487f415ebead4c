package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The class each sample of a chunked run asks for: sample i gets {@code classes[(i / block) mod
 * m]} (m classes asked). It depends on i alone, like the sample's seed (docs/sampling.md,
 * "Chunks"), so chunks made anywhere still join byte for byte. With {@code block} = the columns
 * of an image grid, each grid row is one class; with block 1 the classes take turns.
 */
public final class ClassLabels {
  private final int[] classes;
  private final int block;

  public ClassLabels(int[] classes, int block) {
    if (classes.length == 0) {
      throw new IllegalArgumentException("--class: no class given");
    }
    if (block < 1) {
      throw new IllegalArgumentException("a class block is at least 1 sample, got " + block);
    }
    this.classes = classes.clone();
    this.block = block;
  }

  /** The classes asked for, in the order they take turns. */
  public int[] classes() {
    return classes.clone();
  }

  public int block() {
    return block;
  }

  /** The class of sample i of the whole run. */
  public int classOf(long i) {
    return classes[(int) ((i / block) % classes.length)];
  }

  /**
   * The labels of samples first..first+size-1 as INT32 [size] on {@code m}'s device: one small
   * upload per chunk, made before its sampling starts (never inside a step).
   */
  public NDArray labels(NDManager m, long first, int size) {
    int[] y = new int[size];
    for (int i = 0; i < size; i++) {
      y[i] = classOf(first + i);
    }
    return m.create(y, new Shape(size));
  }

  @Override
  public String toString() {
    return classes.length == 1 ? Integer.toString(classes[0])
        : Arrays.toString(classes).replaceAll("[\\[\\] ]", "");
  }
}
