package dev.scoreflow.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.io.Npy;
import dev.scoreflow.io.NpyReader;
import dev.scoreflow.model.EpsNetwork;
import dev.scoreflow.model.Networks;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.spec.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scoreflow eps} and {@code export --format}: eps of given (x, t) rows from .npy files is
 * the network's, with t the samplers' time (row i equals what a sampler gets at t_i), and a
 * folder exported as safetensors gives the same eps as the ndlist one.
 */
class EpsCommandTest {
  @TempDir Path tmp;

  @Test
  void epsOfNpyInputsIsTheNetworksAndSurvivesASafetensorsExport() throws Exception {
    TrainConfig c = TrainConfig.defaultsFor("gmm8");
    Path model = tmp.resolve("model");
    Path xs = tmp.resolve("x.npy");
    Path ts = tmp.resolve("t.npy");
    float[] times = {0.001f, 0.25f, 0.5f, 0.9f, 1f};
    try (NDManager m = TestEngine.manager(6)) {
      EpsNetwork net = Networks.create(c, m);
      try (ParameterStore p = net.initParameters(m)) {
        LoadedModel.export(c, p, model);
        NDArray x = m.randomNormal(new Shape(times.length, 2));
        Npy.write(xs, x);
        Npy.write(ts, m.create(times));

        Object[] r = CliTest.run("eps", "--model", model.toString(), "--x", xs.toString(),
            "--t", ts.toString(), "--out", tmp.resolve("eps.npy").toString());
        assertEquals(0, r[0], (String) r[2]);
        NDArray eps = NpyReader.read(tmp.resolve("eps.npy"), m);
        assertEquals(new Shape(times.length, 2), eps.getShape());
        NoisePredictor sampler = NoisePredictor.of(net, p);
        for (int i = 0; i < times.length; i++) {
          NDArray row = x.get(new NDIndex("{}:{}", i, i + 1));
          assertArrayEquals(sampler.predict(row, times[i]).toFloatArray(),
              eps.get(new NDIndex("{}:{}", i, i + 1)).toFloatArray(), 1e-6f, "row " + i);
        }
        // eps really depends on t: the same x at another time differs.
        assertTrue(sampler.predict(x.get(new NDIndex("0:1")), 0.7).sub(
            eps.get(new NDIndex("0:1"))).abs().max().getFloat() > 1e-3f);

        Path st = tmp.resolve("model-st");
        r = CliTest.run("export", "--model", model.toString(), "--out", st.toString(),
            "--format", "safetensors");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(Files.exists(st.resolve("ema.safetensors")));
        r = CliTest.run("eps", "--model", st.toString(), "--x", xs.toString(), "--t",
            ts.toString(), "--out", tmp.resolve("eps-st.npy").toString());
        assertEquals(0, r[0], (String) r[2]);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("eps.npy")),
            Files.readAllBytes(tmp.resolve("eps-st.npy")), "eps from ema.safetensors");
      }
    }
  }

  @Test
  void badFormatsAndInputsAreOneLineErrors() throws Exception {
    TrainConfig c = TrainConfig.defaultsFor("gmm8");
    Path model = tmp.resolve("model");
    try (NDManager m = TestEngine.manager(6);
        ParameterStore p = Networks.create(c, m).initParameters(m)) {
      LoadedModel.export(c, p, model);
      Npy.write(tmp.resolve("x3.npy"), m.zeros(new Shape(4, 3)));
      Npy.write(tmp.resolve("t4.npy"), m.zeros(new Shape(4)));
      Npy.write(tmp.resolve("t5.npy"), m.zeros(new Shape(5)));
      Npy.write(tmp.resolve("x2.npy"), m.zeros(new Shape(4, 2)));
    }
    CliTest.assertOneLineError(CliTest.run("export", "--model", model.toString(), "--out",
        tmp.resolve("o").toString(), "--format", "onnx"), "--format");
    String out = tmp.resolve("eps.npy").toString();
    CliTest.assertOneLineError(CliTest.run("eps", "--model", model.toString(), "--x",
        tmp.resolve("x3.npy").toString(), "--t", tmp.resolve("t4.npy").toString(), "--out", out),
        "x has shape (4, 3)");
    CliTest.assertOneLineError(CliTest.run("eps", "--model", model.toString(), "--x",
        tmp.resolve("x2.npy").toString(), "--t", tmp.resolve("t5.npy").toString(), "--out", out),
        "t has shape (5)");
    Files.writeString(tmp.resolve("bad.npy"), "not numpy");
    CliTest.assertOneLineError(CliTest.run("eps", "--model", model.toString(), "--x",
        tmp.resolve("bad.npy").toString(), "--t", tmp.resolve("t4.npy").toString(), "--out", out),
        "bad.npy: not a .npy file");
  }
}
