package dev.scoreflow.sample.ode;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Integrates an {@link OdeSystem} from grid[0] to grid[last] (either direction). */
public interface OdeSolver {

  /** Sees the state after each accepted step; must not keep {@code y}. */
  @FunctionalInterface
  interface Observer {
    Observer NONE = (s, y) -> {};

    void onStep(double s, NDArray y);
  }

  String name();

  /**
   * Whether the solver steps from grid point to grid point (fixed-step) or chooses its own steps
   * between the grid's ends (adaptive).
   */
  default boolean usesGrid() {
    return true;
  }

  /** Name and what was counted, for logs, e.g. {@code solver=heun}. */
  default String summary() {
    return "solver=" + name();
  }

  /**
   * Fixed-step solvers step from grid point to grid point; adaptive ones use only the ends. The
   * result is attached to {@code y0}'s manager, which is left untouched.
   */
  NDArray integrate(OdeSystem system, NDArray y0, double[] grid, Observer observer);

  /** The {@code --solver} names. */
  List<String> NAMES = List.of("euler", "heun", "rk4", "rk45");

  /** The solver of a {@code --solver} name; rtol and atol only matter for rk45. */
  static OdeSolver byName(String name, double rtol, double atol) {
    switch (name) {
      case "euler":
        return new FixedStepSolver(FixedStepMethod.EULER);
      case "heun":
        return new FixedStepSolver(FixedStepMethod.HEUN);
      case "rk4":
        return new FixedStepSolver(FixedStepMethod.RK4);
      case "rk45":
        return new DormandPrince45(new StepController(rtol, atol));
      default:
        throw new IllegalArgumentException(
            "--solver: expected euler, heun, rk4 or rk45, got '" + name + "'");
    }
  }
}
