package dev.scoreflow.classifier;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.scoreflow.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * classifier.json: how a shipped classifier was trained and how well it classifies held-out
 * images. The split fields let evaluation rebuild exactly the classifier's train/test split.
 */
public final class ClassifierInfo {
  public static final int FORMAT_VERSION = 1;
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  public int formatVersion = FORMAT_VERSION;
  public String architecture = "lenet5";
  /** --data as given: mnist, fashion-mnist or idx:DIR. */
  public String data;
  /** --data-dir as given (null: datasets). */
  public String dataDir;
  /** {@link ClassifierSplit#FILES} or {@link ClassifierSplit#HOLDOUT}. */
  public String split;
  public int holdout;
  public long splitSeed;
  public int trainImages;
  public int testImages;
  public int steps;
  public int batch;
  public double lr;
  public long seed;
  public double trainSeconds;
  public double finalLoss;
  /** Share of held-out images classified correctly. */
  public double testAccuracy;

  public String toJson() {
    return GSON.toJson(this);
  }

  /** Reads and checks a classifier.json; the message names the file and what is wrong. */
  public static ClassifierInfo read(Path file) {
    ClassifierInfo info;
    try {
      info = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), ClassifierInfo.class);
    } catch (IOException e) {
      throw new CheckpointException(file + ": unreadable (" + e.getMessage() + ")");
    } catch (JsonParseException e) {
      throw new CheckpointException(file + ": not a classifier description (" + e.getMessage() + ")");
    }
    if (info == null || info.data == null || info.split == null) {
      throw new CheckpointException(file + ": not a classifier description (no data or split field)");
    }
    if (info.formatVersion != FORMAT_VERSION || !"lenet5".equals(info.architecture)) {
      throw new CheckpointException(file + ": format " + info.formatVersion + " / architecture "
          + info.architecture + "; this build reads format " + FORMAT_VERSION + " lenet5");
    }
    return info;
  }
}
