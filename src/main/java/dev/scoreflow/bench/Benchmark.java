package dev.scoreflow.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.engine.ScoreflowEngine;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.sample.DdimSampler;
import dev.scoreflow.sample.TimeGrid;
import dev.scoreflow.schedule.VpCosine;
import dev.scoreflow.train.Adam;
import dev.scoreflow.train.DiffusionObjective;
import dev.scoreflow.train.FlatParameters;
import dev.scoreflow.train.OptimizerStep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import dev.scoreflow.tensor.HostCopy;

/**
 * Times a workload the way the reference does: training steps/s as the median of 5 timed blocks
 * after a warm-up (each step: batch draw, noising, forward, backward, Adam), and samples/s as n /
 * wall time of DDIM (eta 0, 50 steps, t from 0.999 to 0) after one untimed full-size run, median
 * of 3. Process: alpha = cos(pi/2 t), sigma = sin(pi/2 t) (VP cosine with s = 0).
 */
public final class Benchmark {
  static final int BLOCKS = 5;
  static final int SAMPLE_REPEATS = 3;
  static final int DDIM_STEPS = 50;
  /** The reference grid ends at t = 0 exactly; a(1e-7) = 1 to float precision. */
  static final double T_END = 1e-7;

  private Benchmark() {}

  /** Number of training steps a profile records (after the timed blocks). */
  static final int PROFILED_STEPS = 3;

  /**
   * Runs one workload and hands each JSON line (as a map) to {@code out}. {@code smoke} cuts
   * every count to a minimum: a check that the benchmark runs, not a measurement.
   */
  public static void run(Workload w, Device device, boolean smoke,
      Consumer<Map<String, Object>> out) {
    run(w, device, smoke, null, out);
  }

  /**
   * As {@link #run(Workload, Device, boolean, Consumer)}; with {@code profileDir} set it also
   * records, after the timed parts, {@value #PROFILED_STEPS} training steps into
   * WORKLOAD-train.json and one sampling run into WORKLOAD-sample.json there (Chrome traces of
   * PyTorch's ops).
   */
  public static void run(Workload w, Device device, boolean smoke, Path profileDir,
      Consumer<Map<String, Object>> out) {
    run(w, device, smoke, profileDir, out, Parts.NONE);
  }

  /** Where a run is: {@code done} of {@code total} parts (warm-up steps, blocks, sampling runs). */
  @FunctionalInterface
  public interface Parts {
    Parts NONE = (part, done, total) -> {};

    void done(String part, int done, int total);
  }

  /** As above, telling {@code parts} after each warm-up step, timed block and sampling run. */
  public static void run(Workload w, Device device, boolean smoke, Path profileDir,
      Consumer<Map<String, Object>> out, Parts parts) {
    int warmup = smoke ? 1 : w.warmup;
    int blocks = smoke ? 1 : BLOCKS;
    int blockSteps = smoke ? 2 : w.blockSteps;
    int repeats = smoke ? 1 : SAMPLE_REPEATS;
    int ddimSteps = smoke ? 2 : DDIM_STEPS;
    int total = warmup + blocks + repeats + 1;
    VpCosine process = new VpCosine(0.0, 0.999);
    ScoreflowEngine.seed(0);
    try (NDManager m = NDManager.newBaseManager(device)) {
      EpsNetwork net = w.network(m);
      FlatParameters flat;
      try (ParameterStore init = net.initParameters(m)) {
        out.accept(line(w, "param_count", init.parameterCount()));
        flat = new FlatParameters(init, m);
      }
      ParameterStore params = flat.views();
      NDArray data = w.dataset(m);
      Adam adam = new Adam(params, m, 0.0);
      OptimizerStep step = new OptimizerStep(net, flat,
          new DiffusionObjective(process, 1e-3, 0), adam, 0.0, null);
      Engine engine = ScoreflowEngine.engine();
      long n = data.getShape().get(0);
      Runnable one = () -> {
        try (NDScope scope = new NDScope()) {
          NDArray idx = m.randomInteger(0, n, new Shape(w.batch), DataType.INT64);
          step.apply(engine, data.get(idx), w.lr);
        }
      };
      for (int i = 0; i < warmup; i++) {
        one.run();
        parts.done("training warm-up", i + 1, total);
      }
      List<Double> rates = new ArrayList<>();
      for (int b = 0; b < blocks; b++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < blockSteps; i++) {
          one.run();
        }
        rates.add(blockSteps / ((System.nanoTime() - t0) / 1e9));
        parts.done("training block " + (b + 1) + "/" + blocks, warmup + b + 1, total);
      }
      if (profileDir != null) {
        TorchProfiler.record(profileDir.resolve(w.id + "-train.json"), () -> {
          for (int i = 0; i < PROFILED_STEPS; i++) {
            one.run();
          }
        });
      }
      Map<String, Object> train = line(w, "train_steps_per_s", median(rates));
      train.put("unit", "steps/s");
      train.put("batch", w.batch);
      train.put("warmup", warmup);
      train.put("blocks", rates);
      train.put("block_steps", blockSteps);
      train.put("threads", ScoreflowEngine.intraOpThreads());
      out.accept(train);

      NoisePredictor eps = NoisePredictor.of(net, params);
      Shape shape = new Shape(w.sampleCount).addAll(net.dataShape());
      DdimSampler ddim = new DdimSampler(ddimSteps, 0.0, TimeGrid.Spacing.UNIFORM);
      List<Double> sampleRates = new ArrayList<>();
      for (int r = 0; r <= repeats; r++) {
        try (NDManager run = m.newSubManager()) {
          long t0 = System.nanoTime();
          NDArray x1 = run.randomNormal(shape);
          NDArray x0 = ddim.sample(eps, process, x1, T_END);
          HostCopy.scalar(x0.sum()); // wait for the result (matters on a GPU)
          double rate = w.sampleCount / ((System.nanoTime() - t0) / 1e9);
          if (r > 0) { // r = 0 is the untimed warm-up run
            sampleRates.add(rate);
          }
        }
        parts.done(r == 0 ? "sampling warm-up" : "sampling run " + r + "/" + repeats,
            warmup + blocks + r + 1, total);
      }
      if (profileDir != null) {
        TorchProfiler.record(profileDir.resolve(w.id + "-sample.json"), () -> {
          try (NDManager run = m.newSubManager()) {
            HostCopy.scalar(ddim.sample(eps, process, run.randomNormal(shape), T_END).sum());
          }
        });
      }
      Map<String, Object> sample = line(w, "sample_per_s", median(sampleRates));
      sample.put("unit", w.sampleUnit);
      sample.put("n", w.sampleCount);
      sample.put("ddim_steps", ddimSteps);
      sample.put("eta", 0.0);
      sample.put("repeats", sampleRates);
      sample.put("threads", ScoreflowEngine.intraOpThreads());
      out.accept(sample);
    }
  }

  private static Map<String, Object> line(Workload w, String metric, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("impl", "scoreflow");
    m.put("workload", w.id);
    m.put("metric", metric);
    m.put("value", value);
    return m;
  }

  static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    int k = s.size();
    return k % 2 == 1 ? s.get(k / 2) : (s.get(k / 2 - 1) + s.get(k / 2)) / 2;
  }
}
