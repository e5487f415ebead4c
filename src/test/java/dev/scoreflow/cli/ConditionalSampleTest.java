package dev.scoreflow.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.TestEngine;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.checkpoint.RecommendedSampling;
import dev.scoreflow.model.Networks;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.spec.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sample --class/--guidance}, {@code export}'s recommended sampling settings and {@code
 * train}'s conditioning flags: bad values refused on one line before any work, guided runs
 * counting both halves of a guided call, guided shards joining byte for byte, and a model
 * folder's sampling.json used for the flags not given. The model is an untrained
 * class-conditional MLP (the plumbing, not the quality: GuidedOracleTest and
 * ConditionalTrainingTest test that).
 */
class ConditionalSampleTest {
  @TempDir static Path tmp;
  static Path cond;

  @BeforeAll
  static void conditionalModel() throws Exception {
    TrainConfig c = TrainConfig.defaultsFor("gmm8");
    c.width = 16;
    c.classConditional = true;
    c.classNames = List.of("a", "b", "c");
    cond = tmp.resolve("cond");
    try (NDManager m = TestEngine.manager(8);
        ParameterStore p = Networks.create(c, m).initParameters(m)) {
      LoadedModel.export(c, p, cond);
    }
  }

  static Object[] sample(String... args) {
    return SampleOutputTest.sample(args);
  }

  static String ok(Object[] r) {
    assertEquals(0, r[0], (String) r[2]);
    return (String) r[1];
  }

  String out(String name) {
    return tmp.resolve(name).toString();
  }

  @Test
  void classAndGuidanceAreCheckedBeforeSampling() {
    String m = cond.toString();
    CliTest.assertOneLineError(sample("--model", m, "--class", "3", "--out", out("x.png")),
        "--class");
    CliTest.assertOneLineError(sample("--model", m, "--class", "zebra", "--out", out("x.png")),
        "--class");
    CliTest.assertOneLineError(sample("--model", m, "--class", "0,", "--out", out("x.png")),
        "--class");
    CliTest.assertOneLineError(sample("--model", m, "--class", "0", "--guidance", "-1"),
        "--guidance");
    CliTest.assertOneLineError(sample("--model", m, "--class", "0", "--guidance", "lots"),
        "--guidance");
    CliTest.assertOneLineError(sample("--model", m, "--guidance", "2", "--out", out("x.png")),
        "--guidance");
    CliTest.assertOneLineError(sample("--model", SampleOutputTest.GMM8, "--class", "0", "--out",
        out("x.png")), "--class");
    for (String bad : new String[] {"2,0.5", "0.5", "a,b", "-1,2", "1,1"}) {
      CliTest.assertOneLineError(sample("--model", m, "--class", "0", "--guidance", "2",
          "--guidance-interval", bad, "--out", out("x.png")), "--guidance-interval");
    }
    CliTest.assertOneLineError(sample("--model", m, "--guidance-interval", "0.5,2", "--out",
        out("x.png")), "--guidance-interval");
    assertFalse(Files.exists(tmp.resolve("x.png")));
  }

  @Test
  void guidedCallsCountTwiceAndShardsJoin() throws Exception {
    String[] common = {"--model", cond.toString(), "--class", "a,2", "--guidance", "2",
        "--sampler", "ddim", "--steps", "10", "--n", "12", "--chunk", "4", "--seed", "3"};
    Path whole = tmp.resolve("whole.npy");
    String line = ok(sample(concat(common, "--npy", whole.toString(), "--out", out("w.png"))));
    assertTrue(line.contains("class 0=a,2=c guidance 2"), line);
    assertTrue(line.contains("NFE 20 (10 calls; a guided call is 2"), line);
    Path a = tmp.resolve("a.npy");
    Path b = tmp.resolve("b.npy");
    ok(sample(concat(common, "--chunks", "0:1", "--npy", a.toString(), "--out", out("a.png"))));
    ok(sample(concat(common, "--chunks", "1:3", "--npy", b.toString(), "--out", out("b.png"))));
    Path joined = tmp.resolve("joined.npy");
    ok(CliTest.run("npy-concat", "--out", joined.toString(), a.toString(), b.toString()));
    assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(joined));
    // S = 1 is the conditional model alone: one evaluation per step; another class, other bytes.
    String plain = ok(sample("--model", cond.toString(), "--class", "a,2", "--guidance", "1",
        "--sampler", "ddim", "--steps", "10", "--n", "12", "--chunk", "4", "--seed", "3",
        "--npy", out("s1.npy"), "--out", out("s1.png")));
    assertTrue(plain.contains("NFE 10 "), plain);
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(whole),
        Files.readAllBytes(tmp.resolve("s1.npy"))));
    // An interval guides some steps only: between 10 and 20 evaluations, other samples than
    // both S = 1 and S = 2 everywhere; one wider than every noise level is plain guidance.
    String part = ok(sample("--model", cond.toString(), "--class", "a,2", "--guidance", "2",
        "--guidance-interval", "0.5,3", "--sampler", "ddim", "--steps", "10", "--n", "12",
        "--chunk", "4", "--seed", "3", "--npy", out("part.npy"), "--out", out("part.png")));
    assertTrue(part.contains("guidance 2 for sigma in (0.5, 3]"), part);
    double nfe = Double.parseDouble(part.replaceAll("(?s).*NFE ([0-9.]+).*", "$1"));
    assertTrue(nfe > 10 && nfe < 20, part);
    byte[] partBytes = Files.readAllBytes(tmp.resolve("part.npy"));
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(whole), partBytes));
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("s1.npy")), partBytes));
    ok(sample(concat(common, "--guidance-interval", "0,inf", "--npy", out("all.npy"), "--out",
        out("all.png"))));
    assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(tmp.resolve("all.npy")));
  }

  @Test
  void exportRecordsTheRecommendedSamplingThatSampleUses() throws Exception {
    Path rec = tmp.resolve("rec");
    ok(CliTest.run("export", "--model", cond.toString(), "--out", rec.toString(), "--sampler",
        "ode", "--steps", "7", "--guidance", "3", "--device", "cpu"));
    RecommendedSampling r = RecommendedSampling.readIfPresent(rec);
    assertEquals("ode", r.sampler);
    assertEquals(7, r.steps);
    assertEquals(3.0, r.guidance);
    assertEquals(null, r.guidanceInterval);
    String line = ok(sample("--model", rec.toString(), "--class", "1", "--n", "4", "--out",
        out("r.png")));
    assertTrue(line.contains("ode(solver=heun, steps=7") && line.contains("guidance 3"), line);
    assertTrue(line.contains("NFE 28 "), line); // heun: 2 calls a step, each both halves
    // The recommended steps belong to the recommended sampler.
    line = ok(sample("--model", rec.toString(), "--class", "1", "--n", "4", "--sampler", "ddim",
        "--guidance", "1", "--out", out("r.png")));
    assertTrue(line.contains("ddim(steps=50") && line.contains("NFE 50 "), line);
    // The solver and the grid are recorded too, and belong to the recommended sampler.
    Path grid = tmp.resolve("grid");
    ok(CliTest.run("export", "--model", rec.toString(), "--out", grid.toString(), "--solver",
        "euler", "--spacing", "quadratic", "--device", "cpu"));
    RecommendedSampling rg = RecommendedSampling.readIfPresent(grid);
    assertEquals("euler", rg.solver);
    assertEquals("quadratic", rg.spacing);
    assertEquals(7, rg.steps);
    line = ok(sample("--model", grid.toString(), "--class", "1", "--n", "4", "--out",
        out("e.png")));
    assertTrue(line.contains("ode(solver=euler, steps=7, spacing=quadratic)"), line);
    line = ok(sample("--model", grid.toString(), "--class", "1", "--n", "4", "--spacing",
        "uniform", "--out", out("e.png")));
    assertTrue(line.contains("ode(solver=euler, steps=7, spacing=uniform)"), line);
    line = ok(sample("--model", grid.toString(), "--class", "1", "--n", "4", "--sampler", "ddim",
        "--steps", "3", "--out", out("e.png")));
    assertTrue(line.contains("ddim(steps=3, eta=0.0, spacing=uniform)"), line);
    CliTest.assertOneLineError(CliTest.run("export", "--model", rec.toString(), "--out",
        tmp.resolve("bad").toString(), "--spacing", "cubic", "--device", "cpu"), "--spacing");
    CliTest.assertOneLineError(CliTest.run("export", "--model", rec.toString(), "--out",
        tmp.resolve("bad").toString(), "--solver", "rk5", "--device", "cpu"), "--solver");
    // Re-exported without flags, the recommendation is kept; a folder without one has defaults.
    Path again = tmp.resolve("again");
    ok(CliTest.run("export", "--model", rec.toString(), "--out", again.toString(), "--device",
        "cpu"));
    assertEquals(3.0, RecommendedSampling.readIfPresent(again).guidance);
    // An interval is recorded (an open upper end too) and used by sample.
    Path interval = tmp.resolve("interval");
    ok(CliTest.run("export", "--model", rec.toString(), "--out", interval.toString(),
        "--guidance-interval", "0.5,inf", "--device", "cpu"));
    RecommendedSampling ri = RecommendedSampling.readIfPresent(interval);
    assertArrayEquals(new double[] {0.5, Double.POSITIVE_INFINITY}, ri.guidanceInterval);
    assertEquals(3.0, ri.guidance);
    line = ok(sample("--model", interval.toString(), "--class", "1", "--n", "4", "--out",
        out("i.png")));
    assertTrue(line.contains("guidance 3 for sigma in (0.5, inf]"), line);
    CliTest.assertOneLineError(CliTest.run("export", "--model", SampleOutputTest.GMM8, "--out",
        tmp.resolve("bad").toString(), "--guidance-interval", "1,2", "--device", "cpu"),
        "--guidance-interval");
    line = ok(sample("--model", SampleOutputTest.GMM8, "--n", "4", "--out", out("g.png")));
    assertTrue(line.contains("ddim(steps=50"), line);
    CliTest.assertOneLineError(CliTest.run("export", "--model", SampleOutputTest.GMM8, "--out",
        tmp.resolve("bad").toString(), "--guidance", "2", "--device", "cpu"), "--guidance");
    CliTest.assertOneLineError(CliTest.run("export", "--model", cond.toString(), "--out",
        tmp.resolve("bad").toString(), "--sampler", "euler", "--device", "cpu"), "--sampler");
  }

  @Test
  void trainConditioningFlagsAreChecked() {
    CliTest.assertOneLineError(CliTest.run("train", "--out", out("run1"), "--class-conditional",
        "--label-dropout", "1.5", "--device", "cpu"), "--label-dropout");
    CliTest.assertOneLineError(CliTest.run("train", "--out", out("run2"), "--label-dropout",
        "0.2", "--device", "cpu"), "--label-dropout");
    assertFalse(Files.exists(tmp.resolve("run1")));
    // Conditioning is part of the model: a resumed run cannot switch it on.
    ok(CliTest.run("train", "--out", out("run3"), "--steps", "2", "--batch", "8", "--width", "8",
        "--device", "cpu"));
    CliTest.assertOneLineError(CliTest.run("train", "--out", out("run3"), "--resume",
        "--class-conditional", "--device", "cpu"), "classConditional");
  }

  static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
