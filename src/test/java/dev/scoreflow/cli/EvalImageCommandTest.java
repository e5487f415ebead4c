package dev.scoreflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.scoreflow.TestEngine;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.data.IdxWriter;
import dev.scoreflow.model.Networks;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.spec.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `scoreflow eval` on an image model: an untrained UNet-S exported as a model folder, with a tiny
 * 28x28 IDX data set: without a classifier FID-LeNet is skipped with a message and --nll gives
 * bits/dim by Hutchinson; with one trained by `scoreflow classifier`, FID-LeNet is printed.
 */
class EvalImageCommandTest {
  @TempDir Path tmp;

  @Test
  void withoutAClassifierFidIsSkippedAndNllGivesBitsPerDim() throws Exception {
    Path data = tmp.resolve("digits");
    Files.createDirectories(data);
    int count = 6;
    byte[] pixels = new byte[count * 28 * 28];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) ((i * 37 + i / 28 * 11) % 256);
    }
    IdxWriter.writeImages(data.resolve("t10k-images-idx3-ubyte"), pixels, count, 28, 28);
    IdxWriter.writeLabels(data.resolve("t10k-labels-idx1-ubyte"), new byte[count]);
    TrainConfig c = TrainConfig.defaultsFor("idx:" + data);
    Path model = tmp.resolve("model");
    try (NDManager m = TestEngine.manager(4);
        ParameterStore params = Networks.create(c, m).initParameters(m)) {
      LoadedModel.export(c, params, model);
    }

    Object[] plain = EvalCommandTest.eval("--model", model.toString());
    assertEquals(0, plain[0], (String) plain[2]);
    assertTrue(((String) plain[1]).contains("FID-LeNet   skipped: no classifier"), (String) plain[1]);

    // The plumbing only (t10k split, dequantisation, Hutchinson, bits/dim): an untrained UNet-S
    // costs about 0.3-0.8 s per evaluation here, and rk45 at 1e-2 took 188 of them, so the
    // tolerance is set loose enough for a few dozen. The accuracy is checked in OdeLikelihoodTest.
    Object[] nll = EvalCommandTest.eval("--model", model.toString(), "--nll", "--nll-n", "2",
        "--nll-rtol", "0.5", "--nll-atol", "0.5", "--json");
    assertEquals(0, nll[0], (String) nll[2]);
    String out = (String) nll[1];
    assertTrue(out.contains("bits/dim") && out.contains("t10k split"), out);
    JsonObject j = EvalCommandTest.lastJson(out);
    double bpd = j.get("bitsPerDim").getAsDouble();
    assertTrue(Double.isFinite(bpd) && bpd > 0, "bits/dim " + bpd);
    assertEquals("rademacher", j.get("divergence").getAsString());
    assertEquals(2, j.get("nllN").getAsInt());
    // nats per image and bits per dimension are one number in two units
    assertEquals(bpd, j.get("nll").getAsDouble() / (784 * Math.log(2)) + 7, 1e-6);
  }

  @Test
  void classifierCommandThenFidLenetOnAnImageModel() throws Exception {
    String fixture = "idx:" + Path.of(EvalImageCommandTest.class.getResource("/mnist-300").toURI());
    Path lenet = tmp.resolve("lenet");
    Object[] trained = CliTest.run("classifier", "--data", fixture, "--steps", "60", "--batch", "32",
        "--holdout", "60", "--out", lenet.toString());
    assertEquals(0, trained[0], (String) trained[2]);
    assertTrue(((String) trained[1]).contains("test accuracy"), (String) trained[1]);
    assertTrue(Files.isRegularFile(lenet.resolve("manifest.json")));

    // An untrained UNet-S (its config names the fixture) with a 2-step DDIM: the plumbing of
    // sampling in batches, features, FID-LeNet, its floor and the class histogram.
    TrainConfig c = TrainConfig.defaultsFor(fixture);
    Path model = tmp.resolve("model");
    try (NDManager m = TestEngine.manager(4);
        ParameterStore params = Networks.create(c, m).initParameters(m)) {
      LoadedModel.export(c, params, model);
    }
    Object[] r = EvalCommandTest.eval("--model", model.toString(), "--classifier", lenet.toString(),
        "--n", "20", "--sample-batch", "8", "--sampler", "ddim", "--steps", "2", "--json");
    assertEquals(0, r[0], (String) r[2]);
    JsonObject j = EvalCommandTest.lastJson((String) r[1]);
    double fid = j.get("fidLenet").getAsDouble();
    double floor = j.get("fidLenetFloor").getAsDouble();
    assertTrue(fid > floor && floor > 0, "untrained model: FID-LeNet " + fid + ", floor " + floor);
    assertEquals(20, j.get("n").getAsInt());
    assertEquals(2, j.get("nfe").getAsInt());
    assertEquals(10, j.getAsJsonArray("classShares").size());

    Object[] tooMany = EvalCommandTest.eval("--model", model.toString(), "--classifier",
        lenet.toString(), "--n", "61");
    assertEquals(1, tooMany[0]);
    assertTrue(((String) tooMany[2]).contains("--n 61"), (String) tooMany[2]);
    // --calibrate: 3 disjoint real subsets of 20 of the 60 held-out images, then the damaged
    // sets, all against the reference eval --n 20 uses (so the first subset is eval's floor).
    Object[] cal = EvalCommandTest.eval("--calibrate", "--classifier", lenet.toString(), "--n", "20",
        "--subsets", "3", "--json");
    assertEquals(0, cal[0], (String) cal[2]);
    String calOut = (String) cal[1];
    assertTrue(calOut.contains("real mean") && calOut.contains("3x3 box blur"), calOut);
    JsonObject cj = EvalCommandTest.lastJson(calOut);
    assertEquals(3, cj.get("subsets").getAsInt());
    assertEquals(3 + 4, cj.getAsJsonArray("rows").size());
    assertEquals(floor, cj.getAsJsonArray("rows").get(0).getAsJsonObject().get("fidLenet")
        .getAsDouble(), 1e-9 * floor, "the first real subset is eval's floor");
    CliTest.assertOneLineError(CliTest.run("eval", "--calibrate"), "--calibrate");
    CliTest.assertOneLineError(CliTest.run("eval", "--calibrate", "--classifier", lenet.toString(),
        "--n", "40"), "--n 40");
    CliTest.assertOneLineError(CliTest.run("eval", "--n", "40"), "--run");

    Object[] noOut = CliTest.run("classifier", "--data", fixture, "--steps", "1");
    assertEquals(1, noOut[0]);
    assertTrue(((String) noOut[2]).contains("--out"), (String) noOut[2]);
  }
}
