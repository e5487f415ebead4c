package dev.scoreflow.cli;

import ai.djl.Device;
import com.google.gson.Gson;
import dev.scoreflow.bench.Benchmark;
import dev.scoreflow.bench.Workload;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scoreflow bench}: the reference benchmark's workloads, one JSON line per measurement
 * with the reference's fields (scripts/bench.sh runs both implementations and compares).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Time training and DDIM sampling on the reference workloads (JSON lines).")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--workload", defaultValue = "all", paramLabel = "toy|unet|all",
      description = "Which workload (default: ${DEFAULT-VALUE}).")
  String workload;

  @Option(names = "--smoke", description = "A few steps only: checks that it runs (used by the tests).")
  boolean smoke;

  @Option(names = "--profile", paramLabel = "DIR",
      description = "Also record PyTorch's ops, after the timed parts, into Chrome traces in DIR: "
          + "WORKLOAD-train.json (3 training steps) and WORKLOAD-sample.json (one sampling run).")
  Path profile;

  @Mixin GlobalOptions global;

  @Override
  public Integer call() {
    if (!workload.equals("all")) {
      Workload.byName(workload); // fail on a bad name before starting the engine
    }
    Device device = global.start();
    Gson gson = new Gson();
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("impl", "scoreflow");
    env.put("metric", "env");
    env.put("djl", ai.djl.engine.Engine.getDjlVersion());
    env.put("pytorch", dev.scoreflow.engine.ScoreflowEngine.engine().getVersion());
    env.put("device", device.toString());
    env.put("num_threads", dev.scoreflow.engine.ScoreflowEngine.intraOpThreads());
    env.put("malloc", System.getenv().getOrDefault("LD_PRELOAD", "glibc"));
    env.put("java", System.getProperty("java.version"));
    env.put("smoke", smoke);
    System.out.println(gson.toJson(env));
    for (Workload w : Workload.values()) {
      if (workload.equals("all") || workload.equals(w.id)) {
        // Progress on stderr: stdout carries only the JSON lines that scripts/bench.sh parses.
        Progress[] progress = {null};
        Benchmark.run(w, device, smoke, profile, line -> System.out.println(gson.toJson(line)),
            (part, done, total) -> {
              if (progress[0] == null) {
                progress[0] = new Progress("bench " + w.id, total, "parts");
              }
              progress[0].update(done, part);
            });
        if (progress[0] != null) {
          progress[0].close();
        }
      }
    }
    return 0;
  }
}
