package dev.scoreflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.scoreflow.TestEngine;
import dev.scoreflow.train.RunFolder;
import dev.scoreflow.spec.TrainConfig;
import dev.scoreflow.train.Trainer;
import dev.scoreflow.train.TrainingListener;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `scoreflow eval` on tiny gmm8 runs trained in-process: a short one and a 1-step one. On these
 * shared 2-core machines the small MLP trains at 8-25 steps/s next to a background job, so the
 * trained run is short (300 steps, 12-40 s; measured SW 2.4-2.8x the floor) and the untrained one
 * scatters its samples far off; that exact samples sit at the floor is checked with the oracle in
 * SampleQualityTest. -Devaltest.steps=N trains longer.
 */
class EvalCommandTest {
  @TempDir static Path tmp;
  static Path trained;
  static Path untrained;

  static TrainConfig config(long steps) {
    TrainConfig c = new TrainConfig();
    c.data = "gmm8";
    c.width = 64;
    c.batch = 128;
    c.steps = steps;
    c.warmup = 20;
    c.lr = 5e-3;
    c.emaDecay = 0.98; // a short run: the default 0.995 would still average in the first steps
    c.seed = 1;
    c.logEvery = 100;
    return c;
  }

  static Path train(String name, long steps) throws Exception {
    Path dir = tmp.resolve(name);
    try (NDManager m = TestEngine.manager(1);
        Trainer t = Trainer.start(config(steps), new RunFolder(dir), TestEngine.device())) {
      long t0 = System.nanoTime();
      t.run(TrainingListener.NONE, () -> false);
      System.out.printf("trained %s: %d steps in %.1f s%n", name, steps, (System.nanoTime() - t0) / 1e9);
    }
    return dir;
  }

  @BeforeAll
  static void trainRuns() throws Exception {
    trained = train("trained", Long.getLong("evaltest.steps", 300));
    untrained = train("untrained", 1);
  }

  static JsonObject lastJson(String stdout) {
    String[] lines = stdout.strip().split("\n");
    return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
  }

  static Object[] eval(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "eval";
    System.arraycopy(args, 0, all, 1, args.length);
    long t0 = System.nanoTime();
    Object[] r = CliTest.run(all);
    System.out.printf("$ scoreflow %s  (%.1f s)%n%s%s", String.join(" ", all),
        (System.nanoTime() - t0) / 1e9, r[1], r[2]);
    return r;
  }

  @Test
  void trainedModelIsFarCloserToTheFloorThanAnUntrainedOne() {
    Object[] good = eval("--run", trained.toString(), "--n", "2000", "--spacing", "quadratic",
        "--json", "--device", "cpu");
    assertEquals(0, good[0], (String) good[2]);
    String out = (String) good[1];
    assertTrue(out.contains("sliced W1") && out.contains("floor"), out);
    assertTrue(out.contains("modes") && out.contains("log p_data"), out);
    JsonObject g = lastJson(out);
    Object[] bad = eval("--run", untrained.toString(), "--n", "2000", "--spacing", "quadratic", "--json");
    assertEquals(0, bad[0], (String) bad[2]);
    JsonObject b = lastJson((String) bad[1]);
    double floor = g.get("swFloor").getAsDouble();
    assertEquals(floor, b.get("swFloor").getAsDouble(), 1e-9, "same seed, same floor");
    double swGood = g.get("sw").getAsDouble();
    double swBad = b.get("sw").getAsDouble();
    System.out.printf("trained SW %.4f (%.1fx), untrained SW %.4f (%.1fx), floor %.4f%n", swGood,
        swGood / floor, swBad, swBad / floor, floor);
    assertTrue(swGood < 4 * floor, "trained: SW " + swGood + " vs floor " + floor);
    assertTrue(swBad > 20 * floor, "untrained: SW " + swBad + " vs floor " + floor);
    assertEquals(8, g.getAsJsonArray("modeShares").size());
    assertTrue(g.get("meanLogDensity").getAsDouble() > b.get("meanLogDensity").getAsDouble());
  }

  @Test
  void nllOfTheTrainedModelBeatsTheUntrainedOne() {
    Object[] good = eval("--run", trained.toString(), "--n", "500", "--nll", "--nll-n", "100", "--json");
    assertEquals(0, good[0], (String) good[2]);
    assertTrue(((String) good[1]).contains("nll ") && ((String) good[1]).contains("nats"));
    JsonObject g = lastJson((String) good[1]);
    Object[] bad = eval("--run", untrained.toString(), "--n", "500", "--nll", "--nll-n", "100", "--json");
    assertEquals(0, bad[0], (String) bad[2]);
    JsonObject b = lastJson((String) bad[1]);
    double truth = g.get("trueNllTmin").getAsDouble();
    assertEquals(truth, b.get("trueNllTmin").getAsDouble(), 1e-9, "same seed, same points");
    double nllGood = g.get("nll").getAsDouble();
    double nllBad = b.get("nll").getAsDouble();
    System.out.printf("nll: trained %.3f, untrained %.3f, true mixture %.3f nats%n", nllGood, nllBad, truth);
    // The exact density has the lowest expected NLL; a model can only beat it by chance.
    assertTrue(nllGood > truth - 3 * g.get("nllSe").getAsDouble());
    assertTrue(nllGood < nllBad - 1, "trained " + nllGood + " vs untrained " + nllBad);
    assertEquals("exact", g.get("divergence").getAsString());
  }

  /** sample shares its sampler flags with eval now (a mixin): both must take them. */
  @Test
  void sampleAndEvalTakeTheSharedSamplerFlags() throws Exception {
    Path png = tmp.resolve("s.png");
    Object[] r = CliTest.run("sample", "--run", trained.toString(), "--sampler", "ode", "--solver",
        "heun", "--steps", "8", "--spacing", "logsnr", "--n", "200", "--out", png.toString());
    assertEquals(0, r[0], (String) r[2]);
    assertTrue(java.nio.file.Files.size(png) > 1000);
    Object[] e = eval("--run", trained.toString(), "--sampler", "ode", "--solver", "heun", "--steps",
        "8", "--spacing", "logsnr", "--n", "200");
    assertEquals(0, e[0], (String) e[2]);
    assertTrue(((String) e[1]).contains("ode(solver=heun, steps=8, spacing=logsnr)"), (String) e[1]);
  }

  @Test
  void helpAndBadFlags() {
    Object[] h = CliTest.run("eval", "--help");
    assertEquals(0, h[0]);
    for (String flag : new String[] {"--sampler", "--nll", "--nll-n", "--divergence", "--json", "--run"}) {
      assertTrue(((String) h[1]).contains(flag), flag);
    }
    CliTest.assertOneLineError(CliTest.run("eval", "--run", trained.toString(), "--divergence", "spiky"), "--divergence");
    CliTest.assertOneLineError(CliTest.run("eval", "--run", trained.toString(), "--nll-n", "0"), "--nll-n");
    CliTest.assertOneLineError(CliTest.run("eval", "--run", trained.toString(), "--eta", "2"), "--eta");
    CliTest.assertOneLineError(CliTest.run("eval", "--run", tmp.resolve("nope").toString()), "--run");
  }
}
