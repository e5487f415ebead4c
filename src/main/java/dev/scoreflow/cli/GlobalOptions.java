package dev.scoreflow.cli;

import ai.djl.Device;
import dev.scoreflow.engine.ScoreflowEngine;
import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Option;

/** Options every engine-using command shares; {@link #start()} is the only start-up path. */
public final class GlobalOptions {
  static volatile boolean verbose;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu|gpu:N",
      description = "Where every tensor lives (default: ${DEFAULT-VALUE}: first GPU, else CPU).")
  String device;

  @Option(names = "--threads", paramLabel = "N",
      description = "Intra-op threads of PyTorch, N >= 1 (default: all cores available).")
  Integer threads; // null: all cores

  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "Where the PyTorch natives are unpacked (default: $SCOREFLOW_CACHE_DIR, "
          + "else $DJL_CACHE_DIR, else ~/.cache/scoreflow/djl).")
  Path cacheDir;

  @Option(names = "--no-cudnn-benchmark",
      description = "GPU: turn off cuDNN's autotuner (on by default: it picks the fastest "
          + "convolution algorithm per shape, which may differ from run to run).")
  boolean noCudnnBenchmark;

  @Option(names = {"-v", "--verbose"}, description = "Debug logging, including DJL's own.")
  boolean verboseFlag;

  /** Offline switches, threads and logging, then the engine and the device. */
  Device start() {
    verbose = verboseFlag;
    if (verboseFlag) {
      Configurator.setLevel("dev.scoreflow", Level.DEBUG);
      Configurator.setLevel("ai.djl", Level.INFO);
    }
    if (threads != null && threads < 1) {
      throw new IllegalArgumentException("--threads must be >= 1 (leave it out to use all "
          + Runtime.getRuntime().availableProcessors() + " cores), got " + threads);
    }
    ScoreflowEngine.configureOffline(cacheDir);
    ScoreflowEngine.configureThreads(threads == null ? 0 : threads);
    ScoreflowEngine.configureCudnnBenchmark(!noCudnnBenchmark); // read once, at engine load
    ScoreflowEngine.engine();
    return ScoreflowEngine.chooseDevice(device);
  }
}
