package dev.scoreflow.bench;

import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records what PyTorch runs during a piece of work, op by op, into a Chrome trace file (open it
 * in Perfetto or chrome://tracing, or sum it with scripts/profile.sh). The bench uses it after
 * its timed blocks, so profiling never slows a measured number.
 */
final class TorchProfiler {
  private TorchProfiler() {}

  static void record(Path file, Runnable work) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new IllegalArgumentException("--profile: cannot create " + file.getParent() + ": "
          + e.getMessage(), e);
    }
    JniUtils.startProfile(false, false, false);
    try {
      work.run();
    } finally {
      JniUtils.stopProfile(file.toAbsolutePath().toString());
    }
  }
}
