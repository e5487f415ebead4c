package dev.scoreflow.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.TestEngine;
import dev.scoreflow.data.ImageDataset;
import dev.scoreflow.data.ImageSource;
import dev.scoreflow.sample.DdimSampler;
import dev.scoreflow.sample.TimeGrid;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The UNet-S shipped in models/ loads on a fresh clone (no data needed) and draws digits whose
 * pixel statistics match real ones: mean intensity and the share of near-black background.
 */
class ShippedModelTest {
  static final Path MODEL = Path.of("models", "mnist-unet-s");

  static double[] stats(NDArray images) {
    double mean = images.mean().getFloat();
    double background = images.lt(-0.9f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
        .mean().getFloat();
    double ink = images.gt(0.5f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
        .mean().getFloat();
    return new double[] {mean, background, ink};
  }

  @Test
  void shippedModelDrawsDigitLikeImages() throws Exception {
    Path fixture = Path.of(ShippedModelTest.class.getResource("/mnist-300").toURI());
    try (NDManager m = TestEngine.manager(3);
        LoadedModel model = LoadedModel.fromModelDir(MODEL, m);
        ImageDataset real = ImageDataset.load(ImageSource.resolve("idx:" + fixture, null), Device.cpu(), false)) {
      assertEquals("unet-s", model.network().architecture());
      NDArray x1 = m.randomNormal(new Shape(64, 1, 28, 28)).muli(model.process().priorStd());
      NDArray x0 = new DdimSampler(50, 0.0, TimeGrid.Spacing.UNIFORM)
          .sample(model.predictor(), model.process(), x1, model.config().tMin);
      double[] s = stats(x0.clip(-1, 1));
      double[] d = stats(real.images());
      System.out.printf("samples: mean %.3f background %.3f ink %.3f; data: mean %.3f background %.3f ink %.3f%n",
          s[0], s[1], s[2], d[0], d[1], d[2]);
      assertEquals(d[0], s[0], 0.08, "mean pixel value");
      assertEquals(d[1], s[1], 0.08, "share of near-black background");
      assertEquals(d[2], s[2], 0.05, "share of bright ink");
      // and pure noise would fail these checks
      double[] noise = stats(m.randomNormal(new Shape(64, 1, 28, 28)).clip(-1, 1));
      assertTrue(Math.abs(noise[1] - d[1]) > 0.08);
    }
  }
}
