package dev.scoreflow.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * {@code folder:DIR}: a folder of PNG, JPEG, BMP or GIF pictures, decoded with Java's ImageIO.
 * One subfolder per class gives labels (class names: the subfolder names, sorted); pictures
 * directly in DIR are an unlabelled set; both at once is refused, as it is unclear which is
 * meant. Files with other extensions and hidden entries are passed over.
 *
 * <p>Every picture is decoded once, here, before training: a file ImageIO cannot read, grey
 * pictures mixed with colour ones (without {@code --channels}) and pictures of several sizes
 * (without {@code --image-size}) are refused with a line naming a file. "Grey" means stored as
 * grey (one colour component, or a palette of greys only); everything else is RGB, and alpha is
 * dropped.
 */
final class FolderImages implements ImageSetReader {
  static final String PREFIX = "folder:";
  private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");
  private static final String KINDS = "PNG, JPEG, BMP or GIF";

  /** One decoded picture: its file, its own kind, and its pixels after --channels/--image-size. */
  private record Picture(Path file, boolean grey, int channels, int height, int width,
      byte[] pixels) {}

  @Override
  public boolean accepts(String data) {
    return data.startsWith(PREFIX);
  }

  @Override
  public List<String> usage() {
    return List.of(PREFIX + "DIR");
  }

  @Override
  public ImageSet read(String data, ImageOptions options) {
    String flag = "--data " + data;
    String text = data.substring(PREFIX.length());
    if (text.isBlank()) {
      throw new IllegalArgumentException("--data folder:DIR: expected a folder after 'folder:', got '"
          + data + "'");
    }
    Path dir = Paths.get(text);
    if (!Files.isDirectory(dir)) {
      throw new MissingDataException(flag + ": " + dir + " is not a folder"
          + (Files.exists(dir) ? "" : " (it does not exist)"));
    }
    List<Path> direct = pictures(dir);
    Map<String, List<Path>> classes = new LinkedHashMap<>();
    List<Path> emptyClasses = new ArrayList<>();
    for (Path sub : entries(dir)) {
      if (Files.isDirectory(sub)) {
        List<Path> files = pictures(sub);
        if (files.isEmpty()) {
          emptyClasses.add(sub);
        } else {
          classes.put(sub.getFileName().toString(), files);
        }
      }
    }
    if (!direct.isEmpty() && !classes.isEmpty()) {
      throw new DataFormatException(flag + ": " + dir + " holds pictures itself (e.g. "
          + direct.get(0).getFileName() + ") and in class subfolders (e.g. "
          + classes.keySet().iterator().next() + "/); expected one or the other: every picture in"
          + " a subfolder named after its class, or all directly in the folder (unlabelled)");
    }
    if (direct.isEmpty() && classes.isEmpty()) {
      throw new MissingDataException(flag + ": no " + KINDS + " pictures in " + dir
          + " or its subfolders (expected DIR/CLASS/*.png ..., or DIR/*.png ... unlabelled)");
    }
    if (!classes.isEmpty() && !emptyClasses.isEmpty()) {
      throw new DataFormatException(flag + ": class subfolder " + emptyClasses.get(0)
          + " holds no " + KINDS + " pictures; every class needs at least one (or remove it)");
    }
    List<Path> files = new ArrayList<>(direct);
    List<Integer> labels = new ArrayList<>();
    int label = 0;
    for (List<Path> members : classes.values()) {
      files.addAll(members);
      for (int i = 0; i < members.size(); i++) {
        labels.add(label);
      }
      label++;
    }
    ImageIO.setUseCache(false); // decode in memory, no temporary files
    List<Picture> pictures = new ArrayList<>();
    for (Path f : files) {
      pictures.add(decode(flag, f, options));
    }
    checkChannels(flag, pictures, options);
    checkSizes(flag, pictures, options);
    Picture first = pictures.get(0);
    int bytes = first.pixels().length;
    byte[] all = new byte[Math.multiplyExact(bytes, pictures.size())];
    for (int i = 0; i < pictures.size(); i++) {
      System.arraycopy(pictures.get(i).pixels(), 0, all, i * bytes, bytes);
    }
    int[] labelArray = classes.isEmpty() ? null : labels.stream().mapToInt(Integer::intValue).toArray();
    return new ImageSet(data, dir.toString(), pictures.size(), first.channels(), first.height(),
        first.width(), all, labelArray, new ArrayList<>(classes.keySet()));
  }

  private static void checkChannels(String flag, List<Picture> pictures, ImageOptions options) {
    if (options.channels() != 0) {
      return;
    }
    long grey = pictures.stream().filter(Picture::grey).count();
    long colour = pictures.size() - grey;
    if (grey == 0 || colour == 0) {
      return;
    }
    boolean greyIsOdd = grey < colour || (grey == colour && !pictures.get(0).grey());
    Picture odd = pictures.stream().filter(p -> p.grey() == greyIsOdd).findFirst().orElseThrow();
    throw new DataFormatException(flag + ": " + odd.file() + " is " + (greyIsOdd ? "grey" : "colour")
        + " but " + (greyIsOdd ? colour : grey) + " of the " + pictures.size() + " pictures are "
        + (greyIsOdd ? "colour" : "grey") + "; give --channels 3 to make every picture RGB, or"
        + " --channels 1 to make every picture grey");
  }

  private static void checkSizes(String flag, List<Picture> pictures, ImageOptions options) {
    if (options.imageSize() != 0) {
      return;
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Picture p : pictures) {
      counts.merge(size(p), 1, Integer::sum);
    }
    if (counts.size() == 1) {
      return;
    }
    String common = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    Picture example = pictures.stream().filter(p -> size(p).equals(common)).findFirst().orElseThrow();
    Picture odd = pictures.stream().filter(p -> !size(p).equals(common)).findFirst().orElseThrow();
    throw new DataFormatException(flag + ": " + odd.file() + " is " + size(odd) + " pixels but "
        + counts.get(common) + " of the " + pictures.size() + " pictures are " + common + " (e.g. "
        + example.file() + "); give --image-size N to resize and centre-crop every picture to"
        + " N x N");
  }

  /** "width x height", as picture sizes are usually written. */
  private static String size(Picture p) {
    return p.width() + "x" + p.height();
  }

  private static Picture decode(String flag, Path file, ImageOptions options) {
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new DataFormatException(flag + ": " + file + ": cannot decode it as a picture ("
          + oneLine(e) + "); expected a " + KINDS + " file", e);
    }
    if (image == null) {
      throw new DataFormatException(flag + ": " + file + ": not a " + KINDS
          + " picture that ImageIO can decode (damaged, or another format under this name)");
    }
    int h = image.getHeight();
    int w = image.getWidth();
    byte[] own = planes(image);
    int c = own.length / (h * w);
    int channels = options.channels() == 0 ? c : options.channels();
    byte[] pixels = Resampling.convertChannels(own, c, h, w, channels);
    if (options.imageSize() > 0) {
      pixels = Resampling.resizeAndCrop(pixels, channels, h, w, options.imageSize());
      h = options.imageSize();
      w = options.imageSize();
    }
    return new Picture(file, c == 1, channels, h, w, pixels);
  }

  /** The picture as 1 x H x W bytes when grey, else 3 x H x W (R, G, B planes). */
  static byte[] planes(BufferedImage image) {
    int h = image.getHeight();
    int w = image.getWidth();
    int n = h * w;
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    if (cm instanceof IndexColorModel palette) {
      // A palette picture (GIF, 8-bit BMP/PNG) is grey when every colour it uses is grey.
      int[] index = raster.getSamples(0, 0, w, h, 0, (int[]) null);
      boolean grey = true;
      for (int i = 0; i < n && grey; i++) {
        int k = index[i];
        grey = palette.getRed(k) == palette.getGreen(k) && palette.getGreen(k) == palette.getBlue(k);
      }
      byte[] out = new byte[(grey ? 1 : 3) * n];
      for (int i = 0; i < n; i++) {
        out[i] = (byte) palette.getRed(index[i]);
        if (!grey) {
          out[n + i] = (byte) palette.getGreen(index[i]);
          out[2 * n + i] = (byte) palette.getBlue(index[i]);
        }
      }
      return out;
    }
    if (cm.getNumColorComponents() == 1) {
      // Read the stored grey values: getRGB would pass them through a colour-space conversion.
      int bits = cm.getComponentSize(0);
      double max = (1L << bits) - 1;
      int[] v = raster.getSamples(0, 0, w, h, 0, (int[]) null);
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) {
        out[i] = (byte) (bits == 8 ? v[i] : Math.round(v[i] * 255.0 / max));
      }
      return out;
    }
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    byte[] out = new byte[3 * n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (argb[i] >> 16);
      out[n + i] = (byte) (argb[i] >> 8);
      out[2 * n + i] = (byte) argb[i];
    }
    return out;
  }

  /** The pictures directly in {@code dir} (by extension), sorted by name. */
  private static List<Path> pictures(Path dir) {
    List<Path> out = new ArrayList<>();
    for (Path p : entries(dir)) {
      String name = p.getFileName().toString();
      int dot = name.lastIndexOf('.');
      if (dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))
          && Files.isRegularFile(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /** The entries of {@code dir} that are not hidden, sorted by name. */
  private static List<Path> entries(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new DataFormatException(dir + ": cannot list the folder (" + oneLine(e) + ")", e);
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ").strip();
  }
}
