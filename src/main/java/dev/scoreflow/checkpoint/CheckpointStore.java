package dev.scoreflow.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.tensor.HostCopy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The checkpoints/ folder of a run: one folder per checkpoint, {@code step-NNNNNNNN}. A checkpoint
 * is written into a temporary folder, every file flushed to disk, the manifest written last, and
 * only then renamed into place, so a crash at any instant leaves the previous checkpoint intact.
 */
public final class CheckpointStore {
  private static final Logger LOG = LogManager.getLogger(CheckpointStore.class);
  private static final Pattern NAME = Pattern.compile("step-(\\d{8,})");
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

  public static final String MODEL = "model.ndlist";
  public static final String EMA = "ema.ndlist";
  public static final String ADAM_M = "adam-m.ndlist";
  public static final String ADAM_V = "adam-v.ndlist";
  public static final String STATE = "state.json";

  private static final String TMP_PREFIX = ".tmp-";
  private static final String OLD_PREFIX = ".old-";

  private final Path dir;

  public CheckpointStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public static String folderName(long step) {
    return String.format("step-%08d", step);
  }

  /**
   * Writes a complete checkpoint and returns its folder. When a write fails (a full disk, say),
   * the temporary folder is removed and the error names the checkpoint and the last good one,
   * which the failed write never touched.
   */
  public Path write(CheckpointState state, ParameterStore model, ParameterStore ema,
      ParameterStore adamM, ParameterStore adamV) {
    String name = folderName(state.step);
    Path tmp = dir.resolve(TMP_PREFIX + name);
    Path target = dir.resolve(name);
    Path old = null;
    try {
      Files.createDirectories(dir);
      deleteTree(tmp);
      Files.createDirectories(tmp);
      List<String> files = new ArrayList<>();
      writeArrays(tmp, MODEL, model, files);
      writeArrays(tmp, EMA, ema, files);
      writeArrays(tmp, ADAM_M, adamM, files);
      writeArrays(tmp, ADAM_V, adamV, files);
      writeDurably(tmp.resolve(STATE), GSON.toJson(state).getBytes(StandardCharsets.UTF_8));
      files.add(STATE);
      writeDurably(tmp.resolve(Manifest.FILE),
          Manifest.of(tmp, files).toJson().getBytes(StandardCharsets.UTF_8));
      syncDirectory(tmp);
      if (Files.exists(target)) {
        old = dir.resolve(OLD_PREFIX + name);
        deleteTree(old);
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw failedWrite(target, tmp, old, e);
    }
    syncDirectory(dir);
    if (old != null) {
      try {
        deleteTree(old);
      } catch (IOException e) { // the new checkpoint is in place; the next run removes it
        LOG.warn("cannot remove {}: {}", old, e.getMessage());
      }
    }
    return target;
  }

  /** Cleans up after a failed write and says what happened, and what is still there, in one line. */
  private CheckpointException failedWrite(Path target, Path tmp, Path old, IOException e) {
    try {
      deleteTree(tmp);
      if (old != null && !Files.exists(target) && Files.exists(old)) {
        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // put the replaced one back
      }
    } catch (IOException again) {
      LOG.warn("cannot clean up after the failed write of {}: {}", target, again.getMessage());
    }
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Path good = newestVerified();
    String rest = good == null
        ? "the run has no earlier checkpoint"
        : "the last good checkpoint, " + good + ", is intact (continue from it with --resume)";
    return new CheckpointException("cannot write checkpoint " + target + " ("
        + why.replace('\n', ' ') + "); " + rest, e);
  }

  private Path newestVerified() {
    for (Path p : list()) {
      try {
        Manifest.verify(p);
        return p;
      } catch (CheckpointException e) {
        // not a good one; look further back
      }
    }
    return null;
  }

  /**
   * Removes what interrupted writes left behind: every {@code .tmp-step-*} folder, and every
   * {@code .old-step-*} folder whose checkpoint is in place (one without it is the only copy, so
   * it is renamed back). Call only while holding the run's lock, so no write is under way.
   */
  public void removeLeftovers() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        found.add(p);
      }
    }
    for (Path p : found) {
      String n = p.getFileName().toString();
      if (n.startsWith(TMP_PREFIX) && NAME.matcher(n.substring(TMP_PREFIX.length())).matches()) {
        LOG.info("Removing {}, left by a checkpoint write that did not finish", p);
        deleteTree(p);
      } else if (n.startsWith(OLD_PREFIX)
          && NAME.matcher(n.substring(OLD_PREFIX.length())).matches()) {
        Path target = dir.resolve(n.substring(OLD_PREFIX.length()));
        if (Files.exists(target)) {
          deleteTree(p);
        } else {
          LOG.warn("Restoring {} from {}, left by an interrupted checkpoint write", target, p);
          Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    }
  }

  /** Test seam: called with each file's path just before it is written (null: none). */
  interface WriteHook {
    void beforeWrite(Path file) throws IOException;
  }

  static volatile WriteHook writeHook;

  private static void writeArrays(Path folder, String file, ParameterStore store, List<String> files)
      throws IOException {
    if (store == null) {
      return;
    }
    // Host copies made and closed here: on a GPU, encode() alone would keep one per array.
    writeDurably(folder.resolve(file), HostCopy.encode(store.toNDList()));
    files.add(file);
  }

  /** Writes bytes and forces them to the disk before returning. */
  public static void writeDurably(Path file, byte[] bytes) throws IOException {
    WriteHook hook = writeHook;
    if (hook != null) {
      hook.beforeWrite(file);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }

  static void syncDirectory(Path d) {
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the rename is still atomic.
      LOG.debug("cannot fsync directory {}: {}", d, e.getMessage());
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }

  /** Checkpoint folders (valid or not), newest step first. Temporary folders are ignored. */
  public List<Path> list() {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches()) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw new CheckpointException(dir + ": cannot list checkpoints (" + e.getMessage() + ")");
    }
    out.sort(Comparator.comparingLong(CheckpointStore::stepOf).reversed());
    return out;
  }

  public static long stepOf(Path folder) {
    Matcher m = NAME.matcher(folder.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /**
   * The newest checkpoint whose manifest verifies. Invalid newer ones are reported by name and
   * skipped; none valid is an error, never a silent fresh start.
   */
  public Path newestValid() {
    List<Path> all = list();
    if (all.isEmpty()) {
      throw new CheckpointException(dir + ": no checkpoints found");
    }
    StringBuilder problems = new StringBuilder();
    for (Path p : all) {
      try {
        Manifest.verify(p);
        return p;
      } catch (CheckpointException e) {
        LOG.warn("Skipping invalid checkpoint: {}", e.getMessage());
        problems.append("\n  ").append(e.getMessage());
      }
    }
    throw new CheckpointException(dir + ": no valid checkpoint among " + all.size() + ":" + problems);
  }

  /** Reads state.json of a verified checkpoint folder. */
  public static CheckpointState readState(Path folder) {
    Path f = folder.resolve(STATE);
    try {
      CheckpointState s = GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8),
          CheckpointState.class);
      if (s == null || s.config == null) {
        throw new CheckpointException(f + ": missing step or config");
      }
      return s;
    } catch (IOException | JsonParseException e) {
      throw new CheckpointException(f + ": unreadable (" + e.getMessage() + ")");
    }
  }

  /**
   * Decodes one weights file into a store shaped like {@code layout} (names and shapes must
   * match; the message names the file and the first mismatch).
   */
  public static ParameterStore readArrays(Path file, ParameterStore layout, NDManager manager) {
    return decodeArrays(file, readWeights(file), layout, manager, name -> name,
        "not a scoreflow weights file or does not match the model");
  }

  static byte[] readWeights(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CheckpointException(file + ": unreadable (" + e.getMessage() + ")");
    }
  }

  /**
   * Decodes an encoded NDList (ND_LIST or safetensors) into a store shaped like {@code layout},
   * each array under {@code ownName} of its name in the file (null: a name this model lacks).
   * {@code what} says what the file is not when it cannot be decoded.
   */
  static ParameterStore decodeArrays(Path file, byte[] bytes, ParameterStore layout,
      NDManager manager, java.util.function.UnaryOperator<String> ownName, String what) {
    ParameterStore out = new ParameterStore(manager);
    try {
      NDList list = NDList.decode(out.manager(), bytes);
      for (NDArray a : list) {
        String own = a.getName() == null ? null : ownName.apply(a.getName());
        if (own == null) {
          throw new CheckpointException(file + ": " + (a.getName() == null ? "an array has no name"
              : "unexpected tensor " + a.getName()));
        }
        out.put(own, a.toDevice(manager.getDevice(), false));
      }
      layout.checkSameLayout(out, file.toString());
    } catch (CheckpointException e) {
      out.close();
      throw e;
    } catch (RuntimeException e) {
      out.close();
      throw new CheckpointException(file + ": " + what + " (" + e.getMessage() + ")", e);
    }
    return out;
  }

  /**
   * Deletes all but the newest {@code keep} valid checkpoints, sparing multiples of {@code
   * keepEvery}. Only verified checkpoints count towards {@code keep}, so a corrupt newer folder
   * never causes the last good one to be deleted; invalid folders are left for inspection.
   */
  public void prune(int keep, long keepEvery) throws IOException {
    if (keep <= 0) {
      return;
    }
    int kept = 0;
    for (Path p : list()) {
      long step = stepOf(p);
      if (kept < keep) {
        try {
          Manifest.verify(p);
          kept++;
        } catch (CheckpointException e) {
          LOG.warn("Not counting invalid checkpoint towards --keep: {}", e.getMessage());
        }
        continue;
      }
      if (keepEvery > 0 && step % keepEvery == 0) {
        continue;
      }
      deleteTree(p);
    }
  }
}
