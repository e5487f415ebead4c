package dev.scoreflow.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cifar10}: the binary version of CIFAR-10 in {@code <dataDir>/cifar10/cifar-10-batches-bin/}
 * (as scripts/get-datasets.sh unpacks it): training images from {@code data_batch_1.bin} to
 * {@code data_batch_5.bin}, held-out ones from {@code test_batch.bin}. Each file is a run of
 * records of 1 label byte and 3072 pixel bytes (the 32x32 red plane, then green, then blue, row
 * by row), which is already the C x H x W layout. Class names come from {@code batches.meta.txt}
 * when present.
 */
final class Cifar10Images implements ImageSetReader {
  static final String NAME = "cifar10";
  static final String FOLDER = "cifar10/cifar-10-batches-bin";
  static final int SIDE = 32;
  static final int PIXELS = 3 * SIDE * SIDE;
  static final int RECORD = 1 + PIXELS;
  /** Records in each official file. */
  static final int OFFICIAL_RECORDS = 10000;
  static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer",
      "dog", "frog", "horse", "ship", "truck");
  static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin",
      "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
  static final String TEST_FILE = "test_batch.bin";

  @Override
  public boolean accepts(String data) {
    return data.equals(NAME);
  }

  @Override
  public List<String> usage() {
    return List.of(NAME);
  }

  @Override
  public ImageSet read(String data, ImageOptions options) {
    return read(options.dataDir().resolve(FOLDER), TRAIN_FILES);
  }

  @Override
  public ImageSet readHeldOut(String data, ImageOptions options) {
    return read(options.dataDir().resolve(FOLDER), List.of(TEST_FILE));
  }

  /** The records of {@code names} in {@code folder}, in that order, every file checked first. */
  static ImageSet read(Path folder, List<String> names) {
    List<Path> missing = new ArrayList<>();
    for (String n : names) {
      if (!Files.isRegularFile(folder.resolve(n))) {
        missing.add(folder.resolve(n));
      }
    }
    if (missing.size() == names.size()) {
      throw new MissingDataException("--data " + NAME + ": no CIFAR-10 files in " + folder
          + (Files.isDirectory(folder) ? "" : " (the folder does not exist)") + "; looked for "
          + String.join(", ", names) + ". Run scripts/get-datasets.sh (it tries to download"
          + " CIFAR-10's binary version, about 170 MB) or unpack cifar-10-binary.tar.gz into "
          + folder.getParent() + " (see datasets/README.md), and give that data folder to --data-dir");
    }
    if (!missing.isEmpty()) {
      throw new DataFormatException("--data " + NAME + ": " + missing.get(0) + " is missing while "
          + folder + " holds other CIFAR-10 files; expected all of " + String.join(", ", names)
          + " (an unpacking cut short?)");
    }
    long total = 0;
    List<Long> counts = new ArrayList<>();
    for (String n : names) {
      counts.add(records(folder.resolve(n)));
      total += counts.get(counts.size() - 1);
    }
    if (total * PIXELS > Integer.MAX_VALUE - 8) {
      throw new DataFormatException("--data " + NAME + ": " + folder + " holds " + total
          + " images, more than one array holds here");
    }
    List<String> classes = classNames(folder);
    byte[] pixels = new byte[(int) total * PIXELS];
    int[] labels = new int[(int) total];
    int at = 0;
    for (int f = 0; f < names.size(); f++) {
      Path file = folder.resolve(names.get(f));
      int count = (int) (long) counts.get(f);
      byte[] bytes = readAll(file, count);
      for (int r = 0; r < count; r++) {
        int label = bytes[r * RECORD] & 0xff;
        if (label >= classes.size()) {
          throw new DataFormatException(file + ": record " + r + " has label " + label
              + ", expected 0.." + (classes.size() - 1) + " (" + classes.size() + " classes)");
        }
        labels[at] = label;
        System.arraycopy(bytes, r * RECORD + 1, pixels, at * PIXELS, PIXELS);
        at++;
      }
    }
    return new ImageSet(NAME, folder.toString(), (int) total, 3, SIDE, SIDE, pixels, labels, classes);
  }

  /** The number of records in {@code file}, whose length must be a whole number of them. */
  static long records(Path file) {
    long length;
    try {
      length = Files.size(file);
    } catch (IOException e) {
      throw new DataFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    if (length == 0 || length % RECORD != 0) {
      throw new DataFormatException(file + ": truncated or wrong length: " + length + " bytes is"
          + " not a whole number of " + RECORD + "-byte records (1 label byte + " + PIXELS
          + " pixel bytes each); expected " + (long) OFFICIAL_RECORDS * RECORD
          + " bytes for an official batch of " + OFFICIAL_RECORDS + " images");
    }
    return length / RECORD;
  }

  /** batches.meta.txt's non-blank lines when the file is there, else the standard ten names. */
  static List<String> classNames(Path folder) {
    Path meta = folder.resolve("batches.meta.txt");
    if (!Files.isRegularFile(meta)) {
      return CLASSES;
    }
    List<String> names = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(meta, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          names.add(line.strip());
        }
      }
    } catch (IOException e) {
      throw new DataFormatException(meta + ": cannot read the class names (" + e.getMessage()
          + ")", e);
    }
    if (names.isEmpty()) {
      throw new DataFormatException(meta + ": holds no class names; expected one per line"
          + " (airplane, automobile, ...)");
    }
    return names;
  }

  private static byte[] readAll(Path file, int count) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length != (long) count * RECORD) {
        throw new DataFormatException(file + ": changed while being read (" + bytes.length
            + " bytes, " + (long) count * RECORD + " a moment before)");
      }
      return bytes;
    } catch (IOException e) {
      throw new DataFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }
}
