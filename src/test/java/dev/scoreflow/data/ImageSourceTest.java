package dev.scoreflow.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --data and --data-dir to files: named sets, idx:DIR, the t10k fallback, and what "missing" says. */
class ImageSourceTest {
  @TempDir Path dir;

  @Test
  void recognisesImageNames() {
    assertTrue(ImageSource.isImageData("mnist"));
    assertTrue(ImageSource.isImageData("fashion-mnist"));
    assertTrue(ImageSource.isImageData("idx:/some/where"));
    assertFalse(ImageSource.isImageData("gmm8"));
    assertFalse(ImageSource.isImageData(null));
    assertEquals(Paths.get("datasets"), ImageSource.dataDir(null));
    assertEquals(Paths.get("x/y"), ImageSource.dataDir("x/y"));
  }

  @Test
  void namedSetsLiveInTheirSubfolder() throws IOException {
    Path mnist = Files.createDirectories(dir.resolve("mnist"));
    TinyIdx.writePair(mnist, "train", 4, 2, 2, true);
    ImageFiles f = ImageSource.resolve("mnist", dir);
    assertEquals(mnist.resolve("train-images-idx3-ubyte.gz"), f.images());
    assertEquals(mnist.resolve("train-labels-idx1-ubyte.gz"), f.labels());
    assertEquals("train", f.split());
    assertEquals("mnist", f.name());

    Path fashion = Files.createDirectories(dir.resolve("fashion-mnist"));
    TinyIdx.writePair(fashion, "t10k", 4, 2, 2, false);
    ImageFiles g = ImageSource.resolve("fashion-mnist", dir);
    assertEquals(fashion.resolve("t10k-images-idx3-ubyte"), g.images());
  }

  @Test
  void trainingPairIsPreferredAndT10kIsTheFallback() throws IOException {
    TinyIdx.writePair(dir, "t10k", 3, 2, 2, true);
    assertEquals("t10k", ImageSource.resolve("idx:" + dir, Paths.get("unused")).split());
    TinyIdx.writePair(dir, "train", 5, 2, 2, false);
    ImageFiles f = ImageSource.resolve("idx:" + dir, Paths.get("unused"));
    assertEquals("train", f.split());
    assertEquals(dir.resolve("train-images-idx3-ubyte"), f.images());
  }

  @Test
  void missingFilesSayWhereWhatAndHow() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    String m = assertThrows(MissingDataException.class, () -> ImageSource.resolve("idx:" + empty, dir)).getMessage();
    assertContains(m, "--data idx:" + empty, "no image files found in " + empty,
        "train-images-idx3-ubyte[.gz] + train-labels-idx1-ubyte[.gz]",
        "then t10k-images-idx3-ubyte[.gz] + t10k-labels-idx1-ubyte[.gz]", "scripts/get-datasets.sh");

    String n = assertThrows(MissingDataException.class, () -> ImageSource.resolve("mnist", dir)).getMessage();
    assertContains(n, "--data mnist", dir.resolve("mnist").toString(), "does not exist",
        "scripts/get-datasets.sh", "mnist, fashion-mnist");
  }

  @Test
  void halfAPairIsNamed() throws IOException {
    TinyIdx.writePair(dir, "train", 3, 2, 2, true);
    Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
    TinyIdx.writePair(dir, "t10k", 3, 2, 2, true); // must not be used silently instead
    String m = assertThrows(DataFormatException.class, () -> ImageSource.resolve("idx:" + dir, dir)).getMessage();
    assertContains(m, "has train-images-idx3-ubyte.gz but not train-labels-idx1-ubyte[.gz]", "get-datasets.sh");
    // The classifier looks for each split on its own; half a pair is an error there too.
    Files.delete(dir.resolve("train-images-idx3-ubyte.gz"));
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
    TinyIdx.writePair(dir, "train", 3, 2, 2, true);
    String c = assertThrows(DataFormatException.class,
        () -> dev.scoreflow.classifier.ClassifierSplit.load("idx:" + dir, dir, 1, 0)).getMessage();
    assertContains(c, "has t10k-images-idx3-ubyte.gz but not t10k-labels-idx1-ubyte[.gz]");
  }

  @Test
  void badNamesAreRejected() {
    assertContains(assertThrows(IllegalArgumentException.class, () -> ImageSource.resolve("idx:", dir)).getMessage(),
        "expected a folder after 'idx:'");
    assertContains(assertThrows(IllegalArgumentException.class, () -> ImageSource.resolve("cifar", dir)).getMessage(),
        "'cifar'", "mnist", "idx:DIR");
  }

  @Test
  void imagesAndLabelsCountMismatchNamesBothFiles() throws IOException {
    Path img = dir.resolve("train-images-idx3-ubyte.gz");
    Path lab = dir.resolve("train-labels-idx1-ubyte.gz");
    IdxWriter.writeImages(img, TinyIdx.pixels(6, 2, 2), 6, 2, 2);
    IdxWriter.writeLabels(lab, TinyIdx.labels(5));
    // Checked before anything reaches the engine, so no device is needed here.
    String m = assertThrows(DataFormatException.class,
        () -> ImageDataset.checkPair(IdxReader.readImages(img), IdxReader.readLabels(lab))).getMessage();
    assertContains(m, img + " holds 6 images but " + lab + " holds 5 labels", "one label per image");
  }

  static void assertContains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
    }
  }
}
