package dev.scoreflow.train;

import dev.scoreflow.spec.TrainConfig;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides the config of a resumed run: the checkpoint's, with the flags the user gave again. Flags
 * that only steer the run (steps, learning rate, cadences) may change and are logged; a flag that
 * would change the model, data, schedule or random stream is an error naming the field.
 */
public final class ResumeConfig {
  /** Fields a resumed run may change. */
  public static final Set<String> MUTABLE = Set.of("steps", "lr", "warmup", "lrSchedule",
      "checkpointEvery", "logEvery", "sampleEvery", "keep", "keepEvery", "dataDir");

  private static final com.google.gson.Gson ARRAYS = new com.google.gson.Gson();

  private ResumeConfig() {}

  /** Returns the merged config and fills {@code changes} with one line per changed field. */
  public static TrainConfig merge(TrainConfig saved, TrainConfig requested, Set<String> explicit,
      List<String> changes) {
    TrainConfig out = saved.copy();
    List<String> conflicts = new ArrayList<>();
    for (Field f : TrainConfig.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) || !explicit.contains(f.getName())) {
        continue;
      }
      try {
        Object want = f.get(requested);
        Object have = f.get(saved);
        if (Objects.deepEquals(want, have)) { // deep: the model flags are int arrays
          continue;
        }
        if (MUTABLE.contains(f.getName())) {
          f.set(out, want);
          changes.add(f.getName() + ": " + show(f, have) + " -> " + show(f, want));
        } else {
          conflicts.add(f.getName() + " (checkpoint has " + show(f, have) + ", flag asks for "
              + show(f, want) + ")");
        }
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    // The data's shape is recorded from the data, not given as a flag, but it is no more
    // changeable: the network was built for it.
    if (requested.dataShape != null) {
      requireDataShape(saved, new Shape(requested.dataShape));
    }
    if (!conflicts.isEmpty()) {
      throw new IllegalArgumentException("--resume: the checkpoint's config conflicts with "
          + String.join("; ", conflicts) + ". Only " + MUTABLE + " may change on resume.");
    }
    return out;
  }

  /**
   * Refuses data of another shape than the checkpoint's model was made for (its recorded shape;
   * 1x28x28 for image runs from before shapes were recorded), e.g. 32x32 images into a 28x28
   * model: one line naming both shapes.
   */
  public static void requireDataShape(TrainConfig saved, Shape dataShape) {
    if (!Arrays.equals(dev.scoreflow.model.Networks.dataShape(saved), dataShape.getShape())) {
      throw new IllegalArgumentException(mismatch(saved, dataShape.getShape()));
    }
  }

  private static String mismatch(TrainConfig saved, long[] dataShape) {
    return "--resume: the data (--data " + saved.data + ") are " + describe(dataShape)
        + ", but the checkpoint's " + saved.architecture + " takes "
        + describe(dev.scoreflow.model.Networks.dataShape(saved)) + "; the data shape cannot change on resume (start a new run with --out)";
  }

  private static String describe(long[] shape) {
    return dev.scoreflow.model.Networks.describe(shape);
  }

  /** A field's value for a message; arrays (the model flags) as [1, 2, 2]. */
  private static String show(Field f, Object value) {
    return f.getType().isArray() ? ARRAYS.toJson(value) : String.valueOf(value);
  }
}
