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
import dev.scoreflow.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `scoreflow eval` on an image model: an untrained UNet-S exported as a model folder, with a tiny
 * 28x28 IDX data set. Sample quality is not measured yet; --nll gives bits/dim by Hutchinson.
 */
class EvalImageCommandTest {
  @TempDir Path tmp;

  @Test
  void imageModelSaysWhatIsMissingAndGivesBitsPerDim() throws Exception {
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
    assertTrue(((String) plain[1]).contains("image evaluation: not available yet"), (String) plain[1]);

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
}
