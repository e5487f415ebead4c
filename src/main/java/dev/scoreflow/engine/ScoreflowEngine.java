package dev.scoreflow.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The one place that starts the PyTorch engine and chooses the device.
 *
 * <p>DJL reads its offline and telemetry switches when the engine class loads, so {@link
 * #configureOffline(Path)} must run before any other DJL call.
 */
public final class ScoreflowEngine {
  private static final Logger LOG = LogManager.getLogger(ScoreflowEngine.class);
  public static final String ENGINE_NAME = "PyTorch";

  private ScoreflowEngine() {}

  /** Default folder for the unpacked libtorch natives (CPU ~470 MB; cu121 ~4.3 GB more). */
  public static Path defaultCacheDir() {
    String env = System.getenv("SCOREFLOW_CACHE_DIR");
    if (env != null && !env.isBlank()) {
      return Paths.get(env);
    }
    String djl = System.getenv("DJL_CACHE_DIR");
    if (djl != null && !djl.isBlank()) {
      return Paths.get(djl);
    }
    return Paths.get(System.getProperty("user.home"), ".cache", "scoreflow", "djl");
  }

  /**
   * Keeps DJL off the network: no model-zoo downloads, no native downloads, no telemetry.
   * Also points DJL's native cache at {@code cacheDir} (null = {@link #defaultCacheDir()}).
   */
  public static void configureOffline(Path cacheDir) {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("OPT_OUT_TRACKING", "true");
    Path dir = cacheDir != null ? cacheDir : defaultCacheDir();
    if (System.getProperty("DJL_CACHE_DIR") == null) {
      System.setProperty("DJL_CACHE_DIR", dir.toString());
    }
    if (System.getProperty("ENGINE_CACHE_DIR") == null) {
      System.setProperty("ENGINE_CACHE_DIR", dir.toString());
    }
  }

  /** Sets the intra-op thread count; 0 means the number of cores available to the JVM. */
  public static void configureThreads(int threads) {
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
    // Inter-op parallelism only helps graphs with independent branches; we run ops one by one.
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    if (engineLoaded) {
      JniUtils.setNumThreads(n);
    }
  }

  private static volatile boolean engineLoaded;
  private static volatile NativesReport natives;

  /**
   * Turns cuDNN's autotuner on or off for this process (it picks the fastest convolution
   * algorithm per shape on first use). DJL reads the switch once, when the engine loads, so this
   * must run before {@link #engine()}; it has no effect on the CPU. An explicit
   * -Dai.djl.pytorch.cudnn_benchmark wins.
   */
  public static void configureCudnnBenchmark(boolean on) {
    if (System.getProperty(CUDNN_BENCHMARK) == null) {
      System.setProperty(CUDNN_BENCHMARK, Boolean.toString(on));
    }
  }

  static final String CUDNN_BENCHMARK = "ai.djl.pytorch.cudnn_benchmark";

  /** Whether cuDNN's autotuner is on (as DJL read it at engine load). */
  public static boolean cudnnBenchmark() {
    return Boolean.getBoolean(CUDNN_BENCHMARK);
  }

  /** Loads the engine (after {@link #configureOffline}) and returns it. */
  public static synchronized Engine engine() {
    if (System.getProperty("ai.djl.offline") == null) {
      configureOffline(null);
    }
    Engine e = Engine.getEngine(ENGINE_NAME);
    engineLoaded = true;
    return e;
  }

  /** Seeds PyTorch's generator and DJL's Java RNG; seeded CPU runs are bit-reproducible. */
  public static void seed(long seed) {
    engine().setRandomSeed((int) (seed ^ (seed >>> 32)));
  }

  /**
   * Resolves a {@code --device} value: {@code auto} (first GPU if any, else CPU), {@code cpu},
   * {@code gpu} (= gpu:0) or {@code gpu:N}. Fails with a message naming the flag when the
   * requested GPU does not exist.
   */
  public static Device chooseDevice(String spec) {
    Engine e = engine();
    int gpus = e.getGpuCount();
    String s = spec == null ? "auto" : spec.trim().toLowerCase();
    Device d;
    if (s.equals("auto")) {
      d = gpus > 0 ? Device.gpu(0) : Device.cpu();
    } else if (s.equals("cpu")) {
      d = Device.cpu();
    } else if (s.equals("gpu") || s.startsWith("gpu:")) {
      int id = 0;
      if (s.startsWith("gpu:")) {
        try {
          id = Integer.parseInt(s.substring(4));
        } catch (NumberFormatException ex) {
          throw new IllegalArgumentException(
              "--device: expected auto, cpu, gpu or gpu:N, got '" + spec + "'");
        }
      }
      if (id < 0 || id >= gpus) {
        String why = gpus == 0 ? natives().whyNoGpu() : null;
        throw new IllegalArgumentException("--device " + spec + ": no such GPU (found " + gpus
            + " GPU(s)" + (why == null ? "" : ": " + why) + "; or use --device cpu or auto)");
      }
      d = Device.gpu(id);
    } else {
      throw new IllegalArgumentException(
          "--device: expected auto, cpu, gpu or gpu:N, got '" + spec + "'");
    }
    LOG.info("Device: {} (requested '{}', {} GPU(s) found, {} intra-op threads)",
        d, s, gpus, JniUtils.getNumThreads());
    NativesReport n = natives();
    if (!n.cudaLoaded() && n.flavorsOnClassPath().stream().anyMatch(f -> f.startsWith("cu"))) {
      // In place of DJL's "bundled library doesn't match system" warning (silenced in log4j2.xml).
      LOG.info("Using the CPU natives: the CUDA natives are on the class path but {}",
          n.whyNoGpu());
    }
    return d;
  }

  /** Which natives were loaded and why no GPU is used, if none is (computed once). */
  public static NativesReport natives() {
    engine();
    NativesReport n = natives;
    if (n == null) {
      n = NativesReport.probe();
      natives = n;
    }
    return n;
  }

  /** "cpu" or "gpu": the kind of device, which is what decides bit-exact resumes. */
  public static String deviceKind(Device d) {
    return Device.Type.CPU.equals(d.getDeviceType()) ? "cpu" : "gpu";
  }

  /** Which native build the engine loaded: "cpu" or a CUDA flavour such as "cu121". */
  public static String nativeFlavor() {
    return natives().loadedFlavor();
  }

  public static int intraOpThreads() {
    engine();
    return JniUtils.getNumThreads();
  }

  public static int interOpThreads() {
    engine();
    return JniUtils.getNumInteropThreads();
  }
}
