package dev.scoreflow.spark;

import com.google.gson.GsonBuilder;
import dev.scoreflow.cli.Main;
import dev.scoreflow.cli.SamplerOptions;
import dev.scoreflow.sample.ChunkedSampling;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main class of {@code scoreflow-spark.jar} ({@code spark-submit target/scoreflow-spark.jar
 * ...}, or {@code scripts/spark-sample.sh}): a thin command line over {@link SparkSampling}.
 */
@Command(name = "spark-sample", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Sample on Spark: the chunks of `scoreflow sample --n N --seed S --chunk C`"
        + " spread over --partitions tasks, written as .npy shards part-00000.npy, ... with a"
        + " manifest.json; joined in order (`scoreflow npy-concat`) they equal the .npy of one"
        + " `scoreflow sample`. With --fid, also FID-LeNet as `scoreflow eval` computes it.")
public final class SparkSampleCommand implements Callable<Integer> {
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master, e.g. local[2] (default: what spark-submit set).")
  String master;

  @Option(names = "--partitions", paramLabel = "P",
      description = "Tasks, each making one range of chunks (default: Spark's default parallelism).")
  Integer partitions;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model folder (as in models/): a local path, file:, hdfs://, s3a://, ...")
  String model;

  @Option(names = "--n", required = true, description = "Number of samples.")
  long n;

  @Option(names = "--seed", defaultValue = "0", description = "As in `sample` (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--chunk", defaultValue = "" + ChunkedSampling.DEFAULT_CHUNK,
      description = "Samples per chunk, as in `sample` (default: ${DEFAULT-VALUE}).")
  int chunk;

  @Option(names = "--t-min", description = "Where sampling stops (default: the model's t-min).")
  Double tMin;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Folder for the shards and manifest.json (any path Spark writes).")
  String out;

  @Option(names = "--overwrite", description = "Replace shards and a manifest already in --out.")
  boolean overwrite;

  @Option(names = "--fid", description = "Also FID-LeNet of the samples (image models), as"
      + " `scoreflow eval --n N --seed S` computes it.")
  boolean fid;

  @Option(names = "--classifier", paramLabel = "DIR",
      description = "With --fid: the LeNet folder (default: models/lenet-DATA).")
  String classifier;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu|gpu:N",
      description = "On every executor; auto: the task's GPU (spark.task.resource.gpu.amount),"
          + " else the first GPU, else the CPU (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--threads", defaultValue = "0",
      description = "PyTorch intra-op threads on each executor (default: all cores).")
  int threads;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (repeatable).")
  List<String> conf = new ArrayList<>();

  @Option(names = "--json", description = "Also print the results as one JSON line.")
  boolean json;

  @Mixin SamplerOptions samplerOptions;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(Main.withErrorHandling(new CommandLine(new SparkSampleCommand())).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<String> flags = samplerFlags();
    samplerOptions.create(); // checks the sampler flags before Spark starts
    SparkConf sc = new SparkConf().setAppName("scoreflow spark-sample");
    if (master != null) {
      sc.setMaster(master);
    }
    for (String kv : conf) {
      int eq = kv.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("--conf expects KEY=VALUE, got '" + kv + "'");
      }
      sc.set(kv.substring(0, eq), kv.substring(eq + 1));
    }
    if (sc.get("spark.master", "").startsWith("local")) {
      // One machine: no web UI, and the driver on the loopback address only.
      sc.setIfMissing("spark.ui.enabled", "false");
      sc.setIfMissing("spark.driver.host", "127.0.0.1");
      sc.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    PrintWriter o = spec.commandLine().getOut();
    try (JavaSparkContext jsc = new JavaSparkContext(sc)) {
      jsc.setLogLevel("WARN");
      int p = partitions != null ? partitions : jsc.defaultParallelism();
      SparkSampling.Job job = new SparkSampling.Job(model, n, seed, chunk, tMin, flags, out, p,
          device, threads, fid, classifier, null);
      SparkSampling.Result r = SparkSampling.run(jsc, job, overwrite);
      print(o, jsc.master(), r);
    }
    return 0;
  }

  /** The sampler flags as given, to hand to the executors' parser. */
  private List<String> samplerFlags() {
    List<String> flags = new ArrayList<>();
    CommandLine.ParseResult pr = spec.commandLine().getParseResult();
    for (CommandLine.Model.OptionSpec opt : spec.mixins().get("samplerOptions").options()) {
      if (pr.hasMatchedOption(opt)) {
        String name = opt.longestName();
        if (opt.arity().max() == 0) {
          // a boolean flag: --lower-order-final or its --no- form
          boolean value = pr.matchedOptionValue(name, Boolean.TRUE);
          flags.add(value ? name : name.replaceFirst("^--", "--no-"));
        } else {
          flags.add(name);
          flags.add(pr.matchedOption(name).stringValues().get(0));
        }
      }
    }
    return flags;
  }

  private void print(PrintWriter o, String masterUrl, SparkSampling.Result r) {
    List<Shard> shards = r.shards();
    o.printf(Locale.ROOT, "spark-sample on %s: %d samples of %s, sampler %s, chunk %d,"
        + " %d partitions%n", masterUrl, r.samples(), model, r.sampler(), chunk, shards.size());
    for (Shard s : shards) {
      o.printf(Locale.ROOT, "  %s  chunks %d:%d  %d samples  %s %s  %.2f s  sha256 %s%n",
          s.file(), s.fromChunk(), s.toChunk(), s.samples(), s.host(), s.device(),
          s.wallSeconds(), s.sha256().substring(0, 16));
    }
    o.printf(Locale.ROOT, "wall %.2f s (%.1f samples/s) -> %s/ (%s)%n", r.wallSeconds(),
        r.samplesPerSecond(), out, SparkSampling.MANIFEST);
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("samples", r.samples());
    j.put("partitions", shards.size());
    j.put("sampler", r.sampler());
    j.put("wallSeconds", r.wallSeconds());
    j.put("samplesPerSecond", r.samplesPerSecond());
    if (r.fid() != null) {
      o.printf(Locale.ROOT, "FID-LeNet   %.3f  floor %.3f  (%.2fx the floor; n %d, as `scoreflow"
          + " eval --n %d --seed %d`)%n", r.fid().fid(), r.fid().floor(), r.fid().ratio(),
          r.fid().n(), r.samples(), seed);
      j.put("fidLenet", r.fid().fid());
      j.put("fidLenetFloor", r.fid().floor());
      j.put("classShares", r.fid().classShares());
    }
    if (json) {
      o.println(new GsonBuilder().disableHtmlEscaping().create().toJson(j));
    }
  }
}
