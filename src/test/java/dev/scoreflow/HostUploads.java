package dev.scoreflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Counts the arrays made from host memory while a piece of code runs: on a GPU each is a
 * blocking host-to-device copy. DJL builds such an array over a Java buffer and keeps that
 * buffer in the array's private {@code dataRef} (every {@code op(Number)}, {@code
 * create(float[])}, ...); arrays made by kernels ({@code full}, {@code randomNormal}, results of
 * ops) have none. Every new array registers with the innermost {@link NDScope}, so the
 * thread's scope stack is swapped for one whose scopes record each registration. Test-only: it
 * reads DJL 0.29's private fields, and fails loudly if they move.
 */
public final class HostUploads {
  private static final Field SCOPE_STACK;
  private static final Field RESOURCES;
  private static final Field DATA_REF;

  static {
    try {
      SCOPE_STACK = NDScope.class.getDeclaredField("SCOPE_STACK");
      RESOURCES = NDScope.class.getDeclaredField("resources");
      DATA_REF = PtNDArray.class.getDeclaredField("dataRef");
      SCOPE_STACK.setAccessible(true);
      RESOURCES.setAccessible(true);
      DATA_REF.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("DJL's NDScope/PtNDArray internals changed", e);
    }
  }

  private HostUploads() {}

  /** One array made from host memory: its shape and the first scoreflow frame that made it. */
  public record Upload(String shape, String where) {
    @Override
    public String toString() {
      return shape + " at " + where;
    }
  }

  /** Runs {@code body} inside a scope and returns the host uploads it made (closed at the end). */
  public static List<Upload> during(Runnable body) {
    List<Upload> found = new ArrayList<>();
    ThreadLocal<Deque<NDScope>> stack = stack();
    Deque<NDScope> original = stack.get();
    stack.set(new RecordingStack(original, found));
    try (NDScope outer = new NDScope()) {
      body.run();
    } finally {
      stack.set(original);
    }
    return found;
  }

  @SuppressWarnings("unchecked")
  private static ThreadLocal<Deque<NDScope>> stack() {
    try {
      return (ThreadLocal<Deque<NDScope>>) SCOPE_STACK.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A scope stack whose new scopes get a registry that inspects every array put in it. */
  private static final class RecordingStack extends ArrayDeque<NDScope> {
    private final List<Upload> found;

    RecordingStack(Deque<NDScope> below, List<Upload> found) {
      this.found = found;
      for (NDScope s : below) {
        super.addLast(s); // scopes opened before keep their own registries
      }
    }

    @Override
    public void addLast(NDScope scope) {
      try {
        RESOURCES.set(scope, new RecordingMap(found));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      super.addLast(scope);
    }
  }

  private static final class RecordingMap extends IdentityHashMap<NDArray, NDArray> {
    private final List<Upload> found;

    RecordingMap(List<Upload> found) {
      this.found = found;
    }

    @Override
    public NDArray put(NDArray key, NDArray value) {
      // NDScope.register runs after the constructor has set dataRef.
      if (key instanceof PtNDArray && fromHost((PtNDArray) key)) {
        found.add(new Upload(key.getShape().toString(), caller()));
      }
      return super.put(key, value);
    }
  }

  private static boolean fromHost(PtNDArray a) {
    try {
      return DATA_REF.get(a) != null;
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String caller() {
    for (StackTraceElement e : new Throwable().getStackTrace()) {
      String c = e.getClassName();
      if (c.startsWith("dev.scoreflow.") && !c.startsWith(HostUploads.class.getName())) {
        return e.toString();
      }
    }
    return "?";
  }
}
