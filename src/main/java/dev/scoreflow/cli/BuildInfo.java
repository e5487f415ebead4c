package dev.scoreflow.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** Versions recorded at build time (scoreflow-build.properties, filtered by Maven). */
final class BuildInfo {
  private static final Properties PROPS = new Properties();

  static {
    try (InputStream in = BuildInfo.class.getResourceAsStream("/scoreflow-build.properties")) {
      if (in != null) {
        PROPS.load(in);
      }
    } catch (IOException e) {
      // leave empty: versions print as "unknown"
    }
  }

  private BuildInfo() {}

  static String get(String key) {
    String v = PROPS.getProperty(key);
    return v == null || v.startsWith("${") ? "unknown" : v;
  }

  /** picocli's --version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"scoreflow " + get("version") + " (DJL " + get("djl.version")
          + ", PyTorch " + get("pytorch.version") + ", natives built in: " + get("natives") + ")"};
    }
  }
}
