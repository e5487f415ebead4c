package dev.scoreflow.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.scoreflow.engine.NativesReport;
import dev.scoreflow.engine.ScoreflowEngine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Prints versions, natives, devices and threads: what a run here would use. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Show DJL/PyTorch versions, the native build, devices and threads.")
final class InfoCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Override
  public Integer call() {
    Device device = global.start();
    Engine e = ScoreflowEngine.engine();
    System.out.println("scoreflow        " + BuildInfo.get("version"));
    System.out.println("DJL              " + Engine.getDjlVersion());
    System.out.println("PyTorch          " + e.getVersion());
    NativesReport natives = ScoreflowEngine.natives();
    System.out.println("jar built with   " + BuildInfo.get("natives") + " natives");
    for (String line : natives.describe()) {
      System.out.println(line);
    }
    System.out.println("natives cache    " + System.getProperty("DJL_CACHE_DIR"));
    System.out.println("GPUs found       " + e.getGpuCount());
    System.out.println("cuDNN autotuner  " + (ScoreflowEngine.cudnnBenchmark() ? "on" : "off")
        + " (GPU only; --no-cudnn-benchmark turns it off)");
    System.out.println("intra-op threads " + ScoreflowEngine.intraOpThreads());
    System.out.println("inter-op threads " + ScoreflowEngine.interOpThreads());
    System.out.println("cores available  " + Runtime.getRuntime().availableProcessors());
    System.out.println("--device " + global.device + " -> " + device);
    if (!"auto".equalsIgnoreCase(global.device.trim())) {
      System.out.println("--device auto -> " + (e.getGpuCount() > 0 ? Device.gpu(0) : Device.cpu()));
    }
    System.out.println("java             " + System.getProperty("java.version") + " ("
        + System.getProperty("java.vm.name") + ")");
    return 0;
  }
}
