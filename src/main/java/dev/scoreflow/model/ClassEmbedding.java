package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The rows of a class-embedding table [K + 1, W] for a batch of labels (row K: the learned null
 * class; docs/theory.md, "Class conditioning and guidance"). The lookup is PyTorch's embedding, a
 * gather kernel on the labels' device with a gradient for the table: no host copy, no per-label
 * Java loop, and on a GPU no synchronisation.
 */
public final class ClassEmbedding {
  private ClassEmbedding() {}

  /** table[labels], shape [B, W]; labels INT32 or INT64 [B] with values in 0..K. */
  public static NDArray rows(NDArray table, NDArray labels) {
    // DJL 0.29 has no engine-neutral embedding call; its PyTorch bridge has torch's.
    return JniUtils.embedding((PtNDArray) labels, (PtNDArray) table, false);
  }

  /** B labels of the null class K, INT32 on {@code m}'s device (a fill kernel, no upload). */
  public static NDArray nullLabels(NDManager m, long batch, int numClasses) {
    return m.full(new Shape(batch), numClasses, DataType.INT32);
  }
}
