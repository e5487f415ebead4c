package dev.scoreflow.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * Records x0_hat (docs/theory.md, "Parameterisations") for the first few images of a batch at about
 * {@code columns} evenly spread steps, for a picture of how samples form. Uses extra network
 * calls on the tracked images only, through its own (uncounted) predictor.
 */
public final class ImageTrajectory implements StepObserver, AutoCloseable {
  private final Denoiser denoiser;
  private final int tracked;
  private final int every;
  private final NDManager store;
  private final List<NDArray> snapshots = new ArrayList<>();
  private int step;

  public ImageTrajectory(Denoiser denoiser, NDManager parent, int tracked, int totalSteps,
      int columns) {
    this.denoiser = denoiser;
    this.tracked = tracked;
    this.every = Math.max(1, totalSteps / Math.max(1, columns - 1));
    this.store = parent.newSubManager();
  }

  @Override
  public void onStep(double t, NDArray x) {
    step++;
    if (step % every != 0) {
      return;
    }
    try (NDManager tmp = store.newSubManager()) {
      NDArray xs = x.get(new NDIndex("0:" + tracked));
      tmp.tempAttachAll(xs);
      NDArray x0 = denoiser.at(xs, t).x0();
      x0.attach(store);
      snapshots.add(x0);
    }
  }

  /** Adds the final samples as the last column. */
  public void finish(NDArray x) {
    NDArray last = x.get(new NDIndex("0:" + tracked)).duplicate();
    last.attach(store);
    snapshots.add(last);
  }

  public int columns() {
    return snapshots.size();
  }

  public int rows() {
    return tracked;
  }

  /** [rows * columns, C, H, W]: row i holds image i from left (noisy) to right (final). */
  public NDArray grid() {
    NDArray stacked = NDArrays.stack(new NDList(snapshots), 1); // [rows, cols, C, H, W]
    long[] s = stacked.getShape().getShape();
    return stacked.reshape(s[0] * s[1], s[2], s[3], s[4]);
  }

  @Override
  public void close() {
    store.close();
  }
}
