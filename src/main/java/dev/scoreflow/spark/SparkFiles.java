package dev.scoreflow.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Folders and files named by a path Spark can read: a plain path or a file: URI is a local
 * file on every machine (a shared folder on a cluster); anything else (hdfs://, s3a://, ...)
 * goes through Hadoop's FileSystem API, which every Spark installation has. Model and
 * classifier folders are copied once per JVM to a local temporary folder, since the engine
 * reads local files.
 */
final class SparkFiles {
  private static final Map<String, Path> COPIES = new ConcurrentHashMap<>();

  private SparkFiles() {}

  /** Whether {@code path} is a local file (no scheme, or file:). */
  static boolean isLocal(String path) {
    String scheme = scheme(path);
    return scheme == null || scheme.equals("file");
  }

  private static String scheme(String path) {
    int colon = path.indexOf(':');
    int slash = path.indexOf('/');
    if (colon < 2 || (slash >= 0 && slash < colon)) {
      return null; // "dir/x:y" or a drive-less relative path
    }
    return URI.create(path).getScheme();
  }

  /** The local path of a local {@code path} (plain or file:). */
  static Path local(String path) {
    return scheme(path) == null ? Path.of(path) : Path.of(URI.create(path));
  }

  /** The Hadoop settings a task needs to reach non-local paths (empty when all are local). */
  static Map<String, String> settings(Configuration conf) {
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<String, String> e : conf) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private static Configuration configuration(Map<String, String> settings) {
    Configuration conf = new Configuration(false);
    settings.forEach(conf::set);
    return conf;
  }

  /** A local folder with the contents of folder {@code path}, copied once per JVM if remote. */
  static Path localFolder(String path, Map<String, String> settings) {
    if (isLocal(path)) {
      return local(path);
    }
    return COPIES.computeIfAbsent(path, p -> {
      try {
        Path dir = Files.createTempDirectory("scoreflow-spark-");
        org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(p);
        FileSystem fs = src.getFileSystem(configuration(settings));
        Path target = dir.resolve(src.getName().isEmpty() ? "folder" : src.getName());
        fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(target.toUri()), true);
        return target;
      } catch (IOException e) {
        throw new UncheckedIOException("copying " + p + " to a local folder: " + e.getMessage(), e);
      }
    });
  }

  /**
   * Moves local {@code file} to {@code dir/name} (a local folder or any Hadoop path), replacing
   * what a failed earlier attempt of the task may have left there.
   */
  static void publish(Path file, String dir, String name, Map<String, String> settings)
      throws IOException {
    if (isLocal(dir)) {
      Path target = local(dir).resolve(name);
      Files.createDirectories(target.getParent());
      Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir, name);
    FileSystem fs = target.getFileSystem(configuration(settings));
    fs.copyFromLocalFile(true, true, new org.apache.hadoop.fs.Path(file.toUri()), target);
  }

  /** Writes {@code text} to {@code dir/name} (a local folder or any Hadoop path). */
  static void writeText(String dir, String name, String text, Map<String, String> settings)
      throws IOException {
    Path tmp = isLocal(dir)
        ? Files.createDirectories(local(dir)).resolve("." + name + ".tmp")
        : Files.createTempFile("scoreflow-", name);
    Files.writeString(tmp, text);
    publish(tmp, dir, name, settings);
  }
}
