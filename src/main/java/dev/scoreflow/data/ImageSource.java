package dev.scoreflow.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@code --data} and {@code --data-dir} into an image data set: looks up the
 * {@link ImageSetReader} of the name ({@link #READERS}: IDX sets, {@code folder:DIR},
 * {@code cifar10}) and reads it, and finds the files of IDX sets.
 *
 * <p>{@code mnist} and {@code fashion-mnist} live in {@code <dataDir>/mnist/} and {@code
 * <dataDir>/fashion-mnist/} (as scripts/get-datasets.sh puts them); {@code idx:DIR} is any folder
 * laid out the same way. In a folder the 60,000-image training pair is used when present, else
 * the 10,000-image t10k pair: the fallback that get-datasets.sh can build without the usual
 * mirrors has only the latter.
 */
public final class ImageSource {
  /** Default for --data-dir, relative to the working directory. */
  public static final String DEFAULT_DATA_DIR = "datasets";
  /** Named image data sets; any other folder of IDX files is {@code idx:DIR}. */
  public static final List<String> NAMES = List.of("mnist", "fashion-mnist");
  public static final String IDX_PREFIX = "idx:";
  /** Splits in the order they are tried. */
  static final List<String> SPLITS = List.of("train", "t10k");
  /** Every kind of image data set; one entry per file format. */
  static final List<ImageSetReader> READERS = List.of(new IdxImages(), new FolderImages(),
      new Cifar10Images());

  private ImageSource() {}

  /** Whether {@code data} names an image data set rather than a 2-D one. */
  public static boolean isImageData(String data) {
    return data != null && READERS.stream().anyMatch(r -> r.accepts(data));
  }

  /** The image data set names and forms --data takes: mnist, ..., idx:DIR, folder:DIR, cifar10. */
  public static List<String> usage() {
    List<String> all = new ArrayList<>();
    for (ImageSetReader r : READERS) {
      all.addAll(r.usage());
    }
    return all;
  }

  /**
   * Reads the training images of {@code data}, every file checked, then brought to {@code
   * options}' size and channels.
   *
   * @throws MissingDataException or {@link DataFormatException}, naming the file at fault
   */
  public static ImageSet load(String data, ImageOptions options) {
    return reader(data).read(data, options).transformed(options.imageSize(), options.channels());
  }

  /** As {@link #load}, for the part of the set kept apart from training (for evaluation). */
  public static ImageSet loadHeldOut(String data, ImageOptions options) {
    return reader(data).readHeldOut(data, options)
        .transformed(options.imageSize(), options.channels());
  }

  private static ImageSetReader reader(String data) {
    for (ImageSetReader r : READERS) {
      if (data != null && r.accepts(data)) {
        return r;
      }
    }
    throw new IllegalArgumentException("--data: '" + data + "' is not an image data set; expected"
        + " one of " + usage());
  }

  /** The data folder a config gives; null or blank means {@value #DEFAULT_DATA_DIR}. */
  public static Path dataDir(String dataDir) {
    return Paths.get(dataDir == null || dataDir.isBlank() ? DEFAULT_DATA_DIR : dataDir);
  }

  /**
   * Finds the files for {@code data} ("mnist", "fashion-mnist" or "idx:DIR").
   *
   * @throws MissingDataException naming every file looked for and how to get them
   */
  public static ImageFiles resolve(String data, Path dataDir) {
    return resolve(data, dataDir, SPLITS);
  }

  /**
   * As {@link #resolve(String, Path)}, trying the splits in the order given: evaluation asks for
   * {@code t10k} first, to measure on images the model was not trained on.
   */
  public static ImageFiles resolve(String data, Path dataDir, List<String> splits) {
    Path folder = folder(data, dataDir);
    for (String split : splits) {
      Path images = find(folder, split + "-images-idx3-ubyte");
      Path labels = find(folder, split + "-labels-idx1-ubyte");
      if (images != null && labels != null) {
        return new ImageFiles(data, images, labels, split);
      }
      // Half a pair is a broken download or copy, not missing data: quietly using the other
      // split (or, for callers that try splits one by one, treating it as absent) would hide it.
      if (images != null || labels != null) {
        String missing = images == null ? split + "-images-idx3-ubyte[.gz]" : split + "-labels-idx1-ubyte[.gz]";
        throw new DataFormatException("--data " + data + ": " + folder + " has "
            + (images != null ? images : labels).getFileName() + " but not " + missing
            + "; both files of a pair are needed. " + howToGet(data));
      }
    }
    List<String> looked = new ArrayList<>();
    for (String split : splits) {
      looked.add(split + "-images-idx3-ubyte[.gz] + " + split + "-labels-idx1-ubyte[.gz]");
    }
    String where = Files.isDirectory(folder) ? "in " + folder : "in " + folder + " (the folder does not exist)";
    throw new MissingDataException("--data " + data + ": no image files found " + where
        + "; looked for " + String.join(", then ", looked) + ". " + howToGet(data));
  }

  private static Path folder(String data, Path dataDir) {
    if (data.startsWith(IDX_PREFIX)) {
      String dir = data.substring(IDX_PREFIX.length());
      if (dir.isBlank()) {
        throw new IllegalArgumentException("--data idx:DIR: expected a folder after 'idx:', got '" + data + "'");
      }
      return Paths.get(dir);
    }
    if (!NAMES.contains(data)) {
      throw new IllegalArgumentException("--data: '" + data + "' is not an IDX image data set;"
          + " expected one of " + NAMES + " or idx:DIR");
    }
    return dataDir.resolve(data);
  }

  /** The plain file if present, else the .gz one, else null. */
  private static Path find(Path folder, String base) {
    for (String name : List.of(base, base + ".gz")) {
      Path p = folder.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static String howToGet(String data) {
    String names = String.join(", ", NAMES);
    if (data.startsWith(IDX_PREFIX)) {
      return "Put IDX files there (see datasets/README.md), or run scripts/get-datasets.sh to download"
          + " the named data sets (" + names + ") and use --data with one of them.";
    }
    return "Run scripts/get-datasets.sh to download the data sets it knows (" + names + ") into "
        + DEFAULT_DATA_DIR + "/ (or pass it a folder and give the same one to --data-dir).";
  }
}
