package dev.scoreflow.engine;

import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which PyTorch natives the engine loaded and, when no GPU is used, why. DJL takes the CUDA
 * natives only when it finds a GPU through the system CUDA runtime: it loads {@code libcudart}
 * with JNA and asks it for its version and device count, so a driver alone is not enough. This
 * reads the libraries actually mapped into the process, the native builds on the class path,
 * and what DJL's CUDA probe saw, and words the reason.
 *
 * @param loadedFlavor "cpu", "cu121", ... from the libtorch mapped into this process
 * @param libtorchDir the folder the loaded libtorch came from (null if none was found)
 * @param flavorsOnClassPath the native builds the class path carries (e.g. cpu, cu121)
 * @param cudaRuntime whether DJL could load a CUDA runtime (libcudart)
 * @param cudaVersion that runtime's version, e.g. "12.4" (null without one)
 * @param gpus GPUs that runtime reports
 * @param driver whether an NVIDIA kernel driver is present (/proc/driver/nvidia/version)
 * @param searched where a libcudart is looked for (JNA's paths), for the message
 * @param cudartFound libcudart files present in those places
 */
public record NativesReport(String loadedFlavor, Path libtorchDir, List<String> flavorsOnClassPath,
    boolean cudaRuntime, String cudaVersion, int gpus, boolean driver, List<String> searched,
    List<String> cudartFound) {

  /** CUDA runtimes older than this cannot run the cu121 natives (DJL ignores them too). */
  static final int MIN_CUDA = 12010;

  /** Looks at the running process; call after the engine has loaded. */
  static NativesReport probe() {
    Path lib = loadedLibtorch();
    String flavor = lib == null ? "unknown" : flavorOf(lib);
    boolean runtime = CudaUtils.hasCuda();
    String version = null;
    int gpus = 0;
    if (runtime) {
      try {
        version = CudaUtils.getCudaVersionString();
        gpus = CudaUtils.getGpuCount();
      } catch (RuntimeException e) { // a runtime without a driver fails its first call
        version = version == null ? "unknown" : version;
      }
    }
    List<String> searched = searchPath();
    return new NativesReport(flavor, lib == null ? null : lib.getParent(), classPathFlavors(),
        runtime, version, gpus, Files.exists(Paths.get("/proc/driver/nvidia/version")), searched,
        cudartIn(searched));
  }

  /** Whether the CUDA natives were loaded (so GPUs can be used). */
  public boolean cudaLoaded() {
    return loadedFlavor.startsWith("cu");
  }

  /** Null when a GPU can be used; otherwise why not, in plain words with the fix. */
  public String whyNoGpu() {
    if (cudaLoaded() && gpus > 0) {
      return null;
    }
    if (!flavorsOnClassPath.stream().anyMatch(f -> f.startsWith("cu"))) {
      return "this build has only the CPU natives: build with the CUDA natives "
          + "(SCOREFLOW_CUDA=1 scripts/scoreflow ..., or mvn -Pcuda package) and put target/lib/* "
          + "on the class path";
    }
    if (!cudaRuntime) {
      return "no CUDA runtime (libcudart.so, CUDA >= 12.1) could be loaded"
          + (driver ? " (an NVIDIA driver is present, but a driver alone is not enough)" : "")
          + "; looked in " + String.join(":", searched) + " and the system library paths"
          + (cudartFound.isEmpty() ? "" : "; found " + String.join(", ", cudartFound)
              + " (JNA loads libcudart.so: add the unversioned link, or point "
              + "-Djna.library.path at its folder)")
          + ". Install the CUDA 12 runtime or set LD_LIBRARY_PATH / -Djna.library.path to the "
          + "folder holding libcudart.so";
    }
    if (gpus == 0) {
      return "the CUDA runtime " + cudaVersion + " reports no GPU"
          + (driver ? "" : " (no NVIDIA driver: /proc/driver/nvidia/version is missing)")
          + "; check nvidia-smi, or in Docker run with --gpus all";
    }
    if (version() < MIN_CUDA) {
      return "the CUDA runtime " + cudaVersion + " is older than 12.1, which the cu121 natives need";
    }
    return "the CUDA natives were not loaded (loaded: " + loadedFlavor + "); run with -v to see "
        + "DJL's own messages";
  }

  private int version() {
    if (cudaVersion == null) {
      return 0;
    }
    String[] p = cudaVersion.split("\\.");
    try {
      return Integer.parseInt(p[0]) * 1000 + (p.length > 1 ? Integer.parseInt(p[1]) * 10 : 0);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The libtorch_cpu (or libtorch_cuda) file mapped into this process. */
  static Path loadedLibtorch() {
    Path cpu = null;
    try (Stream<String> lines = Files.lines(Paths.get("/proc/self/maps"))) {
      for (String line : (Iterable<String>) lines::iterator) {
        int slash = line.indexOf('/');
        if (slash < 0) {
          continue;
        }
        String file = line.substring(slash);
        if (file.endsWith("/libtorch_cuda.so")) {
          return Paths.get(file);
        }
        if (file.endsWith("/libtorch_cpu.so")) {
          cpu = Paths.get(file);
        }
      }
    } catch (IOException | RuntimeException e) {
      return null; // not Linux: the report says "unknown"
    }
    return cpu;
  }

  /** DJL unpacks each build into a folder named VERSION-FLAVOR-PLATFORM, e.g. 2.3.1-cu121-linux-x86_64. */
  static String flavorOf(Path lib) {
    if (lib.getFileName().toString().equals("libtorch_cuda.so")) {
      String dir = lib.getParent() == null ? "" : lib.getParent().getFileName().toString();
      for (String part : dir.split("-")) {
        if (part.startsWith("cu")) {
          return part;
        }
      }
      return "cuda";
    }
    return "cpu";
  }

  /** The flavours of every pytorch-native jar on the class path. */
  static List<String> classPathFlavors() {
    Set<String> out = new LinkedHashSet<>();
    try {
      Enumeration<URL> urls = NativesReport.class.getClassLoader()
          .getResources("native/lib/pytorch.properties");
      while (urls.hasMoreElements()) {
        Properties p = new Properties();
        try (InputStream in = urls.nextElement().openStream()) {
          p.load(in);
        }
        out.add(p.getProperty("flavor", "?"));
      }
    } catch (IOException e) {
      out.add("?");
    }
    return new ArrayList<>(out);
  }

  private static List<String> searchPath() {
    Set<String> dirs = new LinkedHashSet<>();
    for (String var : new String[] {System.getProperty("jna.library.path"),
        System.getenv("LD_LIBRARY_PATH")}) {
      if (var != null) {
        for (String d : var.split(":")) {
          if (!d.isBlank()) {
            dirs.add(d);
          }
        }
      }
    }
    dirs.add("/usr/local/cuda/lib64");
    dirs.add("/usr/lib/x86_64-linux-gnu");
    dirs.add("/usr/lib64");
    return new ArrayList<>(dirs);
  }

  private static List<String> cudartIn(List<String> dirs) {
    List<String> found = new ArrayList<>();
    for (String d : dirs) {
      try (Stream<Path> files = Files.list(Paths.get(d))) {
        files.filter(f -> f.getFileName().toString().startsWith("libcudart.so"))
            .forEach(f -> found.add(f.toString()));
      } catch (IOException | RuntimeException e) {
        // a folder that does not exist
      }
    }
    return found;
  }

  /** Lines for {@code scoreflow info}. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "natives loaded   %s (%s)", loadedFlavor,
        libtorchDir == null ? "folder unknown" : libtorchDir));
    out.add("natives in jar   " + String.join(", ", flavorsOnClassPath));
    out.add("CUDA runtime     " + (cudaRuntime ? cudaVersion + ", " + gpus + " GPU(s)"
        : "none loaded") + (driver ? "; NVIDIA driver present" : "; no NVIDIA driver"));
    String why = whyNoGpu();
    if (why != null) {
      out.add("no GPU because   " + why);
    }
    return out;
  }
}
