package dev.scoreflow.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * manifest.json: the size and SHA-256 of every other file of a checkpoint. It is written last,
 * so a folder without a valid manifest, or whose files do not match it, is not a checkpoint.
 */
public final class Manifest {
  public static final String FILE = "manifest.json";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  /** One file's entry. */
  public static final class Entry {
    public long size;
    public String sha256;
  }

  public int formatVersion = 1;
  public Map<String, Entry> files = new LinkedHashMap<>();

  /** Describes the named files of {@code dir}. */
  public static Manifest of(Path dir, Iterable<String> names) throws IOException {
    Manifest m = new Manifest();
    for (String name : names) {
      Entry e = new Entry();
      Path f = dir.resolve(name);
      e.size = Files.size(f);
      e.sha256 = sha256(f);
      m.files.put(name, e);
    }
    return m;
  }

  public String toJson() {
    return GSON.toJson(this);
  }

  /** Reads and checks a checkpoint folder's manifest; throws naming the first problem. */
  public static Manifest verify(Path dir) {
    Path file = dir.resolve(FILE);
    Manifest m;
    try {
      m = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Manifest.class);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(dir + ": no " + FILE + " (incomplete or interrupted write)");
    } catch (IOException | JsonParseException e) {
      throw new CheckpointException(file + ": unreadable manifest (" + e.getMessage() + ")");
    }
    if (m == null || m.files == null || m.files.isEmpty()) {
      throw new CheckpointException(file + ": empty manifest");
    }
    for (Map.Entry<String, Entry> e : m.files.entrySet()) {
      Path f = dir.resolve(e.getKey());
      try {
        long size = Files.size(f);
        if (size != e.getValue().size) {
          throw new CheckpointException(f + ": size " + size + " bytes, manifest says "
              + e.getValue().size + " (truncated or overwritten)");
        }
        String sum = sha256(f);
        if (!sum.equals(e.getValue().sha256)) {
          throw new CheckpointException(f + ": SHA-256 does not match the manifest (corrupted)");
        }
      } catch (NoSuchFileException ex) {
        throw new CheckpointException(f + ": missing (listed in " + FILE + ")");
      } catch (IOException ex) {
        throw new CheckpointException(f + ": unreadable (" + ex.getMessage() + ")");
      }
    }
    return m;
  }

  /** The SHA-256 of a file, as lower-case hex. */
  public static String sha256(Path f) throws IOException {
    try (InputStream in = new DigestInputStream(Files.newInputStream(f),
        MessageDigest.getInstance("SHA-256"))) {
      MessageDigest md = ((DigestInputStream) in).getMessageDigest();
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // reading updates the digest
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
