package dev.scoreflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scoreflow.checkpoint.CheckpointState;
import dev.scoreflow.checkpoint.CheckpointStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train --devices: a run split over three (CPU) devices checkpoints as usual, records the
 * split, resumes on one device, and ends close to the same run on one device throughout.
 */
class DevicesFlagTest {
  @TempDir Path tmp;

  static final String[] TRAIN = {"train", "--data", "gmm8", "--width", "32", "--batch", "64",
      "--seed", "5", "--checkpoint-every", "10"};

  static Object[] train(Path out, String... more) {
    String[] args = java.util.Arrays.copyOf(TRAIN, TRAIN.length + 2 + more.length);
    args[TRAIN.length] = "--out";
    args[TRAIN.length + 1] = out.toString();
    System.arraycopy(more, 0, args, TRAIN.length + 2, more.length);
    return CliTest.run(args);
  }

  static float[] weights(Path run) throws Exception {
    Path last = new CheckpointStore(run.resolve("checkpoints")).newestValid();
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu());
        ai.djl.ndarray.NDList list = ai.djl.ndarray.NDList.decode(m,
            java.nio.file.Files.readAllBytes(last.resolve(CheckpointStore.MODEL)))) {
      java.util.List<Float> all = new java.util.ArrayList<>();
      for (ai.djl.ndarray.NDArray a : list) {
        for (float v : a.toFloatArray()) {
          all.add(v);
        }
      }
      float[] out = new float[all.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = all.get(i);
      }
      return out;
    }
  }

  @Test
  void splitRunRecordsItsDevicesResumesOnOneAndMatchesOneDevice() throws Exception {
    Path split = tmp.resolve("split");
    Object[] r = train(split, "--steps", "20", "--devices", "cpu,cpu,cpu");
    assertEquals(0, r[0], (String) r[2]);
    CheckpointState s = CheckpointStore.readState(
        new CheckpointStore(split.resolve("checkpoints")).newestValid());
    assertEquals(3, s.devices);
    Object[] resumed = train(split, "--steps", "30", "--resume");
    assertEquals(0, resumed[0], (String) resumed[2]);
    CheckpointState s2 = CheckpointStore.readState(
        new CheckpointStore(split.resolve("checkpoints")).newestValid());
    assertEquals(30, s2.step);
    assertEquals(1, s2.devices);

    Path single = tmp.resolve("single");
    assertEquals(0, train(single, "--steps", "30", "--device", "cpu")[0]);
    float[] a = weights(split);
    float[] b = weights(single);
    double worst = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    System.out.printf("30 steps, 20 of them on 3 devices vs 1 device: largest difference %.2e of %.2e%n",
        worst, scale);
    assertTrue(worst / scale < 1e-4, "split and one-device runs drift apart: " + worst / scale);
  }

  @Test
  void devicesAndDeviceTogetherAreAOneLineError() {
    CliTest.assertOneLineError(train(tmp.resolve("x"), "--devices", "cpu,cpu", "--device", "cpu"),
        "--devices");
    CliTest.assertOneLineError(train(tmp.resolve("y"), "--devices", "cpu,gpu:7"), "--device");
  }
}
