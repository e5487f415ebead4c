package dev.scoreflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scoreflow.TestEngine;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What `scoreflow info` and the --device gpu error say about the natives and a missing GPU. */
class NativesReportTest {
  private static NativesReport report(String loaded, List<String> jar, boolean runtime,
      String version, int gpus, boolean driver, List<String> found) {
    return new NativesReport(loaded, null, jar, runtime, version, gpus, driver,
        List.of("/opt/cuda/lib64"), found);
  }

  @Test
  void theLoadedLibtorchIsReadFromTheProcess() {
    TestEngine.device(); // loads the engine
    NativesReport n = ScoreflowEngine.natives();
    assertNotNull(n.libtorchDir(), "no libtorch mapped into this process");
    assertEquals(TestEngine.onGpu(), n.cudaLoaded(), n.describe().toString());
    assertTrue(n.flavorsOnClassPath().contains("cpu"), n.flavorsOnClassPath().toString());
    if (!TestEngine.onGpu()) {
      assertEquals("cpu", n.loadedFlavor());
      assertNotNull(n.whyNoGpu());
    }
  }

  @Test
  void theFlavourComesFromDjlsFolderName() {
    assertEquals("cu121", NativesReport.flavorOf(
        Path.of("/c/pytorch/2.3.1-20240621-cu121-linux-x86_64/libtorch_cuda.so")));
    assertEquals("cpu", NativesReport.flavorOf(
        Path.of("/c/pytorch/2.3.1-20240621-cpu-linux-x86_64/libtorch_cpu.so")));
  }

  @Test
  void eachReasonForNoGpuIsNamedWithItsFix() {
    String cpuBuild = report("cpu", List.of("cpu"), false, null, 0, false, List.of()).whyNoGpu();
    assertTrue(cpuBuild.contains("SCOREFLOW_CUDA=1"), cpuBuild);

    String noRuntime = report("cpu", List.of("cu121", "cpu"), false, null, 0, true,
        List.of("/opt/cuda/lib64/libcudart.so.12")).whyNoGpu();
    assertTrue(noRuntime.contains("no CUDA runtime"), noRuntime);
    assertTrue(noRuntime.contains("a driver alone is not enough"), noRuntime);
    assertTrue(noRuntime.contains("/opt/cuda/lib64"), noRuntime);
    assertTrue(noRuntime.contains("libcudart.so.12") && noRuntime.contains("jna.library.path"),
        noRuntime);

    String noDevice = report("cpu", List.of("cu121", "cpu"), true, "12.4", 0, false, List.of())
        .whyNoGpu();
    assertTrue(noDevice.contains("12.4 reports no GPU") && noDevice.contains("--gpus all"),
        noDevice);

    String old = report("cpu", List.of("cu121", "cpu"), true, "11.8", 1, true, List.of())
        .whyNoGpu();
    assertTrue(old.contains("older than 12.1"), old);

    assertNull(report("cu121", List.of("cu121", "cpu"), true, "12.4", 1, true, List.of())
        .whyNoGpu());
  }
}
