package dev.scoreflow.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import dev.scoreflow.classifier.Classifier;
import dev.scoreflow.classifier.ClassifierInfo;
import dev.scoreflow.classifier.ClassifierSplit;
import dev.scoreflow.cli.SamplerOptions;
import dev.scoreflow.data.ImageSource;
import dev.scoreflow.eval.EvalSeeds;
import dev.scoreflow.eval.ImageQuality;
import dev.scoreflow.sample.ChunkedSampling;
import dev.scoreflow.sample.Sampler;
import dev.scoreflow.spec.TrainConfig;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Sampling on Spark: the chunks of {@code sample --n N --seed S --chunk C} spread over P tasks,
 * partition p making chunks [p K / P, (p + 1) K / P) of the K chunks on its executor's device
 * and writing them as {@code part-0000p.npy}. Each chunk is seeded from (S, chunk index) alone,
 * so the shards joined in order are byte for byte the .npy of one {@code scoreflow sample} (on
 * the CPU). The driver writes {@code manifest.json} last: per shard its chunk range, sample
 * count, size and SHA-256, and the seed, chunk, N and sampler of the run.
 *
 * <p>With FID-LeNet asked for, each task also sums the LeNet features of its samples (count,
 * sum, sum of outer products, class counts: {@link FeatureSums}); the driver adds the sums up,
 * which gives the mean and covariance of all N feature vectors, and compares them with the
 * reference images {@code scoreflow eval --seed S --n N} would choose, so the two agree.
 */
public final class SparkSampling {
  public static final String MANIFEST = "manifest.json";

  private SparkSampling() {}

  /**
   * One run.
   *
   * @param model a model folder (any path Spark reads: local, file:, hdfs://, s3a://, ...)
   * @param tMin where sampling stops (null: the model's)
   * @param samplerFlags sampler flags as {@code sample} takes them, e.g. --sampler ddim --steps 10
   * @param out the folder the shards and the manifest go to (any path Spark writes)
   * @param partitions tasks (at most the number of chunks; fewer are used if there are fewer)
   * @param device --device on every executor: auto = the task's GPU, else the first GPU, else CPU
   * @param threads PyTorch intra-op threads on executors (0: leave as is / all cores)
   * @param fid whether to compute FID-LeNet
   * @param classifier the LeNet folder (null: models/lenet-DATA)
   * @param hadoop Hadoop settings for non-local paths (filled in by {@link #run})
   */
  public record Job(String model, long n, long seed, int chunk, Double tMin,
      List<String> samplerFlags, String out, int partitions, String device, int threads,
      boolean fid, String classifier, Map<String, String> hadoop) implements Serializable {
    public Job {
      samplerFlags = List.copyOf(samplerFlags);
      hadoop = hadoop == null ? Map.of() : Map.copyOf(hadoop);
    }

    /** A run with the model's t-min, device auto, no FID. */
    public static Job of(String model, long n, long seed, int chunk, List<String> samplerFlags,
        String out, int partitions) {
      return new Job(model, n, seed, chunk, null, samplerFlags, out, partitions, "auto", 0,
          false, null, Map.of());
    }

    /** The same run with FID-LeNet against {@code classifier} (null: models/lenet-DATA). */
    public Job withFid(String classifier) {
      return new Job(model, n, seed, chunk, tMin, samplerFlags, out, partitions, device, threads,
          true, classifier, hadoop);
    }

    Job forTasks(int parts, String classifierPath, Map<String, String> settings) {
      return new Job(model, n, seed, chunk, tMin, samplerFlags, out, parts, device, threads, fid,
          classifierPath, settings);
    }
  }

  /**
   * @param shards in partition order
   * @param fid FID-LeNet, its floor and the class histogram, or null
   * @param sampler the sampler and its settings
   * @param wallSeconds the whole job as the driver saw it
   */
  public record Result(List<Shard> shards, ImageQuality.Result fid, String sampler, long samples,
      double wallSeconds) {
    public double samplesPerSecond() {
      return samples / wallSeconds;
    }
  }

  /**
   * Runs {@code job} on {@code sc}. A local {@code out} folder that already holds shards or a
   * manifest is refused unless {@code overwrite}, which deletes them first.
   */
  public static Result run(JavaSparkContext sc, Job job, boolean overwrite) throws IOException {
    long t0 = System.nanoTime();
    // Everything is checked on the driver before any task starts.
    Sampler sampler = SamplerOptions.parse(job.samplerFlags()).create();
    ChunkedSampling.Plan whole = ChunkedSampling.Plan.whole(job.n(), job.chunk());
    if (job.partitions() < 1) {
      throw new IllegalArgumentException("--partitions must be at least 1, got " + job.partitions());
    }
    int parts = (int) Math.min(job.partitions(), whole.to());
    boolean local = SparkFiles.isLocal(job.model()) && SparkFiles.isLocal(job.out())
        && (job.classifier() == null || SparkFiles.isLocal(job.classifier()));
    Map<String, String> hadoop = local ? Map.of() : SparkFiles.settings(sc.hadoopConfiguration());
    prepareOutput(job.out(), overwrite);
    TrainConfig cfg = TrainConfig.read(SparkFiles.localFolder(job.model(), hadoop)
        .resolve("config.json"));
    String classifier = null;
    if (job.fid()) {
      Path def = Classifier.defaultFolder(cfg.data);
      if (job.classifier() == null && def == null) {
        throw new IllegalArgumentException("FID-LeNet: no classifier is named for " + cfg.data
            + "; name one with --classifier");
      }
      classifier = job.classifier() != null ? job.classifier() : def.toString();
    }
    Job task = job.forTasks(parts, classifier, hadoop);

    List<Integer> partitions = IntStream.range(0, parts).boxed().toList();
    List<Shard> shards = new ArrayList<>(sc.parallelize(partitions, parts)
        .map(p -> ShardTask.run(task, p)).collect());
    shards.sort(Comparator.comparingInt(Shard::partition));
    checkCovers(shards, whole);

    ImageQuality.Result fid = task.fid() ? fid(task, cfg, shards) : null;
    double wall = (System.nanoTime() - t0) / 1e9;
    Result result = new Result(List.copyOf(shards), fid, sampler.describe(), job.n(), wall);
    SparkFiles.writeText(job.out(), MANIFEST, manifest(task, cfg, result), hadoop);
    return result;
  }

  private static void prepareOutput(String out, boolean overwrite) throws IOException {
    if (!SparkFiles.isLocal(out)) {
      return; // Hadoop's put overwrites each shard; the manifest is written last
    }
    Path dir = SparkFiles.local(out);
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--out " + out + ": expected a folder, it is a file");
    }
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> old;
    try (Stream<Path> s = Files.list(dir)) {
      old = s.filter(p -> p.getFileName().toString().matches("part-\\d+\\.npy|" + MANIFEST))
          .toList();
    }
    if (!old.isEmpty() && !overwrite) {
      throw new IllegalArgumentException("--out " + out + " already holds shards or a manifest;"
          + " give another folder, or --overwrite to replace them");
    }
    for (Path p : old) {
      Files.delete(p);
    }
  }

  /** The shards must cover chunks 0..K-1 in order, N samples in all. */
  private static void checkCovers(List<Shard> shards, ChunkedSampling.Plan whole) {
    int next = 0;
    long samples = 0;
    for (Shard s : shards) {
      if (s.fromChunk() != next) {
        throw new IllegalStateException("shard " + s.file() + " starts at chunk " + s.fromChunk()
            + ", expected " + next);
      }
      next = s.toChunk();
      samples += s.samples();
    }
    if (next != whole.to() || samples != whole.n()) {
      throw new IllegalStateException("the shards hold chunks 0:" + next + " and " + samples
          + " samples, expected 0:" + whole.to() + " and " + whole.n());
    }
  }

  /**
   * The partitions' feature sums added up on the driver, against the reference images of
   * {@code scoreflow eval --seed S --n N} (the same seeded choice of the same split).
   */
  private static ImageQuality.Result fid(Job job, TrainConfig cfg, List<Shard> shards) {
    FeatureSums all = null;
    for (Shard s : shards) {
      all = all == null ? s.features() : all.add(s.features());
    }
    Device device = ExecutorModels.device(job.device(), job.threads());
    Classifier lenet = ExecutorModels.classifier(job.classifier(), device, job.hadoop());
    ClassifierInfo info = lenet.info();
    ClassifierSplit split = ClassifierSplit.load(info.data,
        ImageSource.dataDir(info.dataDir != null ? info.dataDir : cfg.dataDir), info.holdout,
        info.splitSeed);
    if (split.train().size() != info.trainImages || split.test().size() != info.testImages) {
      throw new IllegalArgumentException(job.classifier() + " was trained on a split of "
          + info.trainImages + " + " + info.testImages + " images, but the data on disk splits"
          + " into " + split.train().size() + " + " + split.test().size()
          + "; evaluate with the data it was trained on");
    }
    try (NDManager m = ExecutorModels.manager(device).newSubManager()) {
      return ImageQuality.compare(lenet, all.moments(), all.classShares(), split,
          EvalSeeds.stage(job.seed(), EvalSeeds.FID_IMAGES), m);
    }
  }

  private static String manifest(Job job, TrainConfig cfg, Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("formatVersion", 1);
    m.put("model", job.model());
    m.put("data", cfg.data);
    m.put("n", job.n());
    m.put("seed", job.seed());
    m.put("chunk", job.chunk());
    m.put("chunks", ChunkedSampling.Plan.chunks(job.n(), job.chunk()));
    m.put("partitions", job.partitions());
    m.put("sampler", r.sampler());
    m.put("samplerFlags", job.samplerFlags());
    m.put("tMin", job.tMin() != null ? job.tMin() : cfg.tMin);
    long[] shape = r.shards().get(0).shape().clone();
    shape[0] = job.n();
    m.put("shape", shape);
    m.put("dtype", "<f4");
    m.put("wallSeconds", r.wallSeconds());
    List<Map<String, Object>> list = new ArrayList<>();
    for (Shard s : r.shards()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("file", s.file());
      e.put("chunks", new int[] {s.fromChunk(), s.toChunk()});
      e.put("firstSample", s.fromChunk() * (long) job.chunk());
      e.put("samples", s.samples());
      e.put("size", s.size());
      e.put("sha256", s.sha256());
      e.put("host", s.host());
      e.put("device", s.device());
      e.put("nfe", s.nfe());
      e.put("wallSeconds", s.wallSeconds());
      list.add(e);
    }
    m.put("shards", list);
    if (r.fid() != null) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("classifier", job.classifier());
      f.put("fidLenet", r.fid().fid());
      f.put("fidLenetFloor", r.fid().floor());
      f.put("n", r.fid().n());
      f.put("classShares", r.fid().classShares());
      f.put("dataClassShares", r.fid().dataClassShares());
      m.put("fidLenet", f);
    }
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
        .serializeSpecialFloatingPointValues().create()
        .toJson(m) + "\n";
  }
}
