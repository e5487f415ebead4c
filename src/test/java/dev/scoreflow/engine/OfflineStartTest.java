package dev.scoreflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine must start with networking cut off: `scoreflow info` runs in a fresh network
 * namespace (unshare -n: only a loopback that is down) and must still load PyTorch.
 */
class OfflineStartTest {
  @Test
  void engineStartsWithoutNetwork() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> cmd = List.of("unshare", "-n", java,
        "-cp", System.getProperty("java.class.path"), "dev.scoreflow.cli.Main", "info",
        "--device", "cpu");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("OPT_OUT_TRACKING"); // the program must set the switches itself
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "info did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("PyTorch          2.3.1"), out);
    assertTrue(out.contains("natives loaded   cpu"), out);
  }

  @Test
  void offlineSwitchesAreSetBeforeTheEngineLoads() {
    ScoreflowEngine.configureOffline(null);
    assertEquals("true", System.getProperty("ai.djl.offline"));
    assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
  }
}
