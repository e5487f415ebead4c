package dev.scoreflow.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.scoreflow.checkpoint.Manifest;
import dev.scoreflow.cli.CliRunner;
import dev.scoreflow.io.Npy;
import dev.scoreflow.sample.ChunkedSampling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job on a local Spark (local[2]: two executor threads in this JVM) with 4 partitions:
 * its shards joined in order are byte for byte the .npy of `scoreflow sample` with the same seed
 * and chunk; the manifest describes them; the model is loaded once per JVM; and its FID-LeNet,
 * made from per-partition feature sums, is `scoreflow eval`'s.
 */
class SparkSamplingTest {
  static JavaSparkContext sc;
  @TempDir Path tmp;

  @BeforeAll
  static void startSpark() {
    ExecutorModels.clear();
    sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("scoreflow-test")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1"));
    sc.setLogLevel("WARN");
  }

  @AfterAll
  static void stopSpark() {
    sc.stop();
    ExecutorModels.clear();
  }

  static List<Path> shards(Path dir, SparkSampling.Result r) {
    List<Path> files = new ArrayList<>();
    for (Shard s : r.shards()) {
      files.add(dir.resolve(s.file()));
    }
    return files;
  }

  /** `scoreflow sample ARGS --npy FILE`; returns FILE's bytes. */
  byte[] sample(String name, List<String> args) throws Exception {
    Path npy = tmp.resolve(name + ".npy");
    List<String> all = new ArrayList<>(List.of("sample", "--device", "cpu"));
    all.addAll(args);
    all.addAll(List.of("--npy", npy.toString(), "--out", tmp.resolve(name + ".png").toString()));
    Object[] r = CliRunner.run(all.toArray(new String[0]));
    assertEquals(0, r[0], (String) r[2]);
    return Files.readAllBytes(npy);
  }

  @Test
  void fourPartitionsEqualOneProcessByteForByte() throws Exception {
    // 1000 samples in chunks of 96: 11 chunks, so the partitions get 2, 3, 3 and 3 of them; a
    // DDIM with eta 1 draws noise at every step, which must come from each chunk's own seed.
    List<String> sampler = List.of("--sampler", "ddim", "--steps", "20", "--eta", "1");
    List<String> flags = new ArrayList<>(List.of("--model", "models/gmm8-mlp", "--n", "1000",
        "--seed", "7", "--chunk", "96"));
    flags.addAll(sampler);
    byte[] expected = sample("one-process", flags);

    Path out = tmp.resolve("shards");
    int loadsBefore = ExecutorModels.modelLoads();
    SparkSampling.Result r = SparkSampling.run(sc, SparkSampling.Job.of("models/gmm8-mlp", 1000,
        7, 96, sampler, out.toString(), 4), false);
    assertEquals(4, r.shards().size());
    int[][] ranges = {{0, 2}, {2, 5}, {5, 8}, {8, 11}};
    for (int p = 0; p < 4; p++) {
      Shard s = r.shards().get(p);
      assertEquals(p, s.partition());
      assertArrayEquals(ranges[p], new int[] {s.fromChunk(), s.toChunk()});
      assertEquals(String.format("part-%05d.npy", p), s.file());
    }
    // Chunks 8 and 9, and chunk 10 with the last 1000 - 10 * 96 = 40 samples.
    assertEquals(2 * 96 + 40, r.shards().get(3).samples());
    assertEquals(1, ExecutorModels.modelLoads() - loadsBefore, "one load per JVM, not per task");

    Path joined = tmp.resolve("joined.npy");
    Npy.concat(shards(out, r), joined);
    assertArrayEquals(expected, Files.readAllBytes(joined), "Spark's shards joined = sample's .npy");

    JsonObject manifest = JsonParser.parseString(
        Files.readString(out.resolve(SparkSampling.MANIFEST))).getAsJsonObject();
    assertEquals(1000, manifest.get("n").getAsLong());
    assertEquals(7, manifest.get("seed").getAsLong());
    assertEquals(96, manifest.get("chunk").getAsInt());
    assertEquals(11, manifest.get("chunks").getAsInt());
    assertTrue(manifest.get("sampler").getAsString().startsWith("ddim"), manifest.toString());
    JsonArray list = manifest.getAsJsonArray("shards");
    assertEquals(4, list.size());
    long rows = 0;
    for (int p = 0; p < 4; p++) {
      JsonObject e = list.get(p).getAsJsonObject();
      Path f = out.resolve(e.get("file").getAsString());
      assertEquals(Files.size(f), e.get("size").getAsLong());
      assertEquals(Manifest.sha256(f), e.get("sha256").getAsString());
      assertEquals(ranges[p][0], e.getAsJsonArray("chunks").get(0).getAsInt());
      assertEquals(Npy.shape(f)[0], e.get("samples").getAsLong());
      rows += e.get("samples").getAsLong();
    }
    assertEquals(1000, rows);

    // A second run into the same folder is refused unless asked to overwrite.
    IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
        () -> SparkSampling.run(sc, SparkSampling.Job.of("models/gmm8-mlp", 1000, 7, 96,
            sampler, out.toString(), 4), false));
    assertTrue(again.getMessage().contains("--overwrite"), again.getMessage());
    // More partitions than chunks: one chunk each, the same bytes.
    SparkSampling.Result many = SparkSampling.run(sc, SparkSampling.Job.of("models/gmm8-mlp",
        1000, 7, 96, sampler, out.toString(), 16), true);
    assertEquals(11, many.shards().size());
    Npy.concat(shards(out, many), joined);
    assertArrayEquals(expected, Files.readAllBytes(joined));
    assertEquals(1, ExecutorModels.modelLoads() - loadsBefore, "the model stays loaded");
  }

  @Test
  void unetShardsAndFidLenetAgreeWithSampleAndEval() throws Exception {
    // The shipped UNet-S, a 2-step DDIM: 128 samples in 4 chunks of 32, one per partition.
    List<String> sampler = List.of("--sampler", "ddim", "--steps", "2");
    List<String> flags = new ArrayList<>(List.of("--model", "models/mnist-unet-s", "--n", "128",
        "--seed", "3", "--chunk", "32"));
    flags.addAll(sampler);
    byte[] expected = sample("unet", flags);

    List<String> eval = new ArrayList<>(List.of("eval", "--device", "cpu", "--json"));
    eval.addAll(flags);
    Object[] e = CliRunner.run(eval.toArray(new String[0]));
    assertEquals(0, e[0], (String) e[2]);
    String[] lines = ((String) e[1]).strip().split("\n");
    JsonObject ej = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
    double evalFid = ej.get("fidLenet").getAsDouble();
    double evalFloor = ej.get("fidLenetFloor").getAsDouble();

    Path out = tmp.resolve("unet-shards");
    SparkSampling.Result r = SparkSampling.run(sc, SparkSampling.Job.of("models/mnist-unet-s",
        128, 3, 32, sampler, out.toString(), 4).withFid(null), false);
    Path joined = tmp.resolve("unet-joined.npy");
    Npy.concat(shards(out, r), joined);
    assertArrayEquals(expected, Files.readAllBytes(joined), "UNet-S shards joined = sample's .npy");

    System.out.printf("FID-LeNet: eval %.9f (floor %.9f), Spark %.9f (floor %.9f)%n", evalFid,
        evalFloor, r.fid().fid(), r.fid().floor());
    assertEquals(128, r.fid().n());
    assertEquals(evalFloor, r.fid().floor(), 1e-9 * evalFloor, "the same reference images");
    assertEquals(evalFid, r.fid().fid(), 1e-5 * evalFid, "FID-LeNet from per-partition sums");
    JsonArray shares = ej.getAsJsonArray("classShares");
    for (int c = 0; c < shares.size(); c++) {
      assertEquals(shares.get(c).getAsDouble(), r.fid().classShares()[c], 1e-12, "class " + c);
    }
    JsonObject manifest = JsonParser.parseString(
        Files.readString(out.resolve(SparkSampling.MANIFEST))).getAsJsonObject();
    assertEquals(r.fid().fid(), manifest.getAsJsonObject("fidLenet").get("fidLenet").getAsDouble());
  }

  @Test
  void partitionsSplitTheChunksEvenlyAndInOrder() {
    for (int k : new int[] {1, 4, 11, 100}) {
      for (int p = 1; p <= k; p++) {
        int next = 0;
        for (int i = 0; i < p; i++) {
          ChunkedSampling.Plan plan = ShardTask.plan(k * 10L, 10, i, p);
          assertEquals(next, plan.from());
          int size = plan.to() - plan.from();
          assertTrue(size == k / p || size == k / p + 1, k + " chunks, " + p + " partitions");
          next = plan.to();
        }
        assertEquals(k, next);
      }
    }
  }
}
