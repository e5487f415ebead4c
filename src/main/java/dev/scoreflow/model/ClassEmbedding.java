package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The label embedding of the class-conditional networks (docs/theory.md, "Class conditioning and
 * guidance"): row {@code label} of a learned table [K + 1, W] added to the time embedding, row K
 * the null class. The one implementation that {@link ToyMlp} and {@link UNet} share.
 */
public final class ClassEmbedding {
  private ClassEmbedding() {}

  /**
   * temb + table[label] per sample, [B, W]; the null row K for the whole batch when labels is
   * null (then [1, W] broadcasts like temb). {@code temb} is a temporary of the caller's, [1, W]
   * (one time for the batch) or [B, W], and may be written in place when no gradient is recorded.
   * The rows come from PyTorch's embedding op, a gather kernel on the labels' device (INT32 or
   * INT64 labels) whose backward pass adds each sample's gradient into its row: no host copy, no
   * per-label Java loop, and on a GPU no synchronisation.
   */
  public static NDArray addTo(NDArray temb, NDArray table, NDArray labels, NDManager m) {
    if (labels == null) {
      long nullRow = table.getShape().get(0) - 1;
      // A view of the parameter: never written in place, and moved off its long-lived manager.
      NDArray row = table.get(new NDIndex().addSliceDim(nullRow, nullRow + 1)); // [1, W]
      row.attach(m);
      return Ops.plus(temb, row);
    }
    if (labels.getShape().dimension() != 1) {
      throw new IllegalArgumentException("class labels must be one per sample, [B], got "
          + labels.getShape());
    }
    // DJL 0.29 has no engine-neutral embedding call; its PyTorch bridge has torch's.
    NDArray rows = JniUtils.embedding((PtNDArray) labels, (PtNDArray) table, false);
    rows.attach(m);
    // rows is fresh ([B, W]) while temb may be [1, W]: add into rows.
    return Ops.plus(rows, temb);
  }
}
