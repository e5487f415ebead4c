package dev.scoreflow.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.scoreflow.sample.Guidance;
import dev.scoreflow.sample.Samplers;
import dev.scoreflow.sample.TimeGrid;
import dev.scoreflow.sample.ode.OdeSolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model folder's recommended sampling settings, {@code sampling.json}: the sampler, its steps,
 * solver and grid spacing and, for a class-conditional model, the guidance scale and interval.
 * {@code sample} and {@code eval} use them for the flags not given; folders without the file
 * keep the commands' own defaults.
 * Every field may be absent (null).
 */
public final class RecommendedSampling {
  public static final String FILE = "sampling.json";
  // An interval's open upper end is written as Infinity, which Gson reads back.
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
      .serializeSpecialFloatingPointValues().create();

  /** A name of {@link Samplers#NAMES}. */
  public String sampler;
  public Integer steps;
  /** The ode sampler's {@code --solver} (null for the other samplers). */
  public String solver;
  /** The time grid, a {@code --spacing} name ({@link TimeGrid.Spacing}). */
  public String spacing;
  /** Classifier-free guidance scale S >= 0 (docs/theory.md, "Class conditioning and guidance"). */
  public Double guidance;
  /**
   * The guidance interval [LO, HI] of noise levels sigma (docs/theory.md, "Class conditioning
   * and guidance"); null: guidance at every level.
   */
  public double[] guidanceInterval;

  public RecommendedSampling() {}

  public RecommendedSampling(String sampler, Integer steps, Double guidance) {
    this(sampler, steps, guidance, null);
  }

  public RecommendedSampling(String sampler, Integer steps, Double guidance,
      double[] guidanceInterval) {
    this.sampler = sampler;
    this.steps = steps;
    this.guidance = guidance;
    this.guidanceInterval = guidanceInterval;
    check("");
  }

  /** Sets the ode solver and the grid spacing (either may be null) and checks them. */
  public RecommendedSampling withGrid(String solver, String spacing) {
    this.solver = solver;
    this.spacing = spacing;
    check("");
    return this;
  }

  /**
   * These settings (flags given; nulls are gaps) with the gaps filled from {@code base}, a model
   * folder's recommendation (may be null): its sampler and guidance, and its steps, solver and
   * spacing only when the sampler is base's, since they belong to that sampler. Applies no
   * defaults and checks nothing.
   */
  public RecommendedSampling filledFrom(RecommendedSampling base) {
    RecommendedSampling b = base != null ? base : new RecommendedSampling();
    RecommendedSampling r = new RecommendedSampling();
    r.sampler = sampler != null ? sampler : b.sampler;
    boolean same = r.sampler != null && r.sampler.equals(b.sampler);
    r.steps = steps != null ? steps : same ? b.steps : null;
    r.solver = solver != null ? solver : same ? b.solver : null;
    r.spacing = spacing != null ? spacing : same ? b.spacing : null;
    r.guidance = guidance != null ? guidance : b.guidance;
    r.guidanceInterval = guidanceInterval != null ? guidanceInterval : b.guidanceInterval;
    return r;
  }

  /** The settings in {@code dir}/sampling.json, or null when the folder has none. */
  public static RecommendedSampling readIfPresent(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    RecommendedSampling r;
    try {
      r = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), RecommendedSampling.class);
    } catch (IOException | JsonParseException e) {
      throw new CheckpointException(file + ": not readable as recommended sampling settings ("
          + e.getMessage() + ")");
    }
    if (r == null) {
      throw new CheckpointException(file + ": empty; expected {\"sampler\": ..., \"steps\": ...,"
          + " \"solver\": ..., \"spacing\": ..., \"guidance\": ...,"
          + " \"guidanceInterval\": [LO, HI]}");
    }
    try {
      r.check(file + ": ");
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(e.getMessage());
    }
    return r;
  }

  /** Writes {@code dir}/sampling.json durably. */
  public void write(Path dir) throws IOException {
    CheckpointStore.writeDurably(dir.resolve(FILE), GSON.toJson(this).getBytes(StandardCharsets.UTF_8));
  }

  private void check(String where) {
    if (sampler != null && !Samplers.NAMES.contains(sampler)) {
      throw new IllegalArgumentException(where + "--sampler: unknown sampler '" + sampler
          + "', expected one of " + Samplers.NAMES);
    }
    if (steps != null && steps < 1) {
      throw new IllegalArgumentException(where + "--steps must be at least 1, got " + steps);
    }
    if (solver != null && !OdeSolver.NAMES.contains(solver)) {
      throw new IllegalArgumentException(where + "--solver: expected one of " + OdeSolver.NAMES
          + ", got '" + solver + "'");
    }
    if (spacing != null) {
      TimeGrid.Spacing.parse(spacing); // one line naming --spacing
    }
    if (guidance != null && !(guidance >= 0 && guidance < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(where + "--guidance must be a number >= 0, got "
          + guidance);
    }
    if (guidanceInterval != null) {
      if (guidanceInterval.length != 2) {
        throw new IllegalArgumentException(where + "guidanceInterval: expected [LO, HI], got "
            + guidanceInterval.length + " numbers");
      }
      new Guidance(1, guidanceInterval[0], guidanceInterval[1]); // checks LO < HI
    }
  }

  @Override
  public String toString() {
    return (sampler != null ? sampler : "(default sampler)")
        + (solver != null ? " " + solver : "")
        + (steps != null ? ", " + steps + " steps" : "")
        + (spacing != null ? ", " + spacing + " spacing" : "")
        + (guidance != null ? ", guidance " + guidance : "")
        + (guidanceInterval != null ? " for sigma in (" + guidanceInterval[0] + ", "
            + guidanceInterval[1] + "]" : "");
  }
}
