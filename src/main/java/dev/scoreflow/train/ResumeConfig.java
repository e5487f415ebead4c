package dev.scoreflow.train;

import dev.scoreflow.spec.TrainConfig;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
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
        if (Objects.equals(want, have)) {
          continue;
        }
        if (MUTABLE.contains(f.getName())) {
          f.set(out, want);
          changes.add(f.getName() + ": " + have + " -> " + want);
        } else {
          conflicts.add(f.getName() + " (checkpoint has " + have + ", flag asks for " + want + ")");
        }
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    if (!conflicts.isEmpty()) {
      throw new IllegalArgumentException("--resume: the checkpoint's config conflicts with "
          + String.join("; ", conflicts) + ". Only " + MUTABLE + " may change on resume.");
    }
    return out;
  }
}
