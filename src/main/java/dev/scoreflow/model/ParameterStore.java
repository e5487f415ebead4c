package dev.scoreflow.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named weights of a network, in a fixed order, all owned by one manager. Networks are
 * functions of a store, so the same network runs with the training weights or with their EMA.
 */
public final class ParameterStore implements AutoCloseable {
  private final NDManager manager;
  private final LinkedHashMap<String, NDArray> arrays = new LinkedHashMap<>();

  public ParameterStore(NDManager parent) {
    this.manager = parent.newSubManager();
  }

  public NDManager manager() {
    return manager;
  }

  /** Adds a parameter; the array is moved into this store's manager. */
  public NDArray put(String name, NDArray value) {
    if (arrays.containsKey(name)) {
      throw new IllegalStateException("duplicate parameter name " + name);
    }
    value.attach(manager);
    value.setName(name);
    arrays.put(name, value);
    return value;
  }

  public NDArray get(String name) {
    NDArray a = arrays.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no parameter named " + name);
    }
    return a;
  }

  public Map<String, NDArray> asMap() {
    return Collections.unmodifiableMap(arrays);
  }

  public long parameterCount() {
    long n = 0;
    for (NDArray a : arrays.values()) {
      n += a.size();
    }
    return n;
  }

  /** Marks every array as a leaf that collects gradients. */
  public void requireGradients() {
    for (NDArray a : arrays.values()) {
      a.setRequiresGradient(true);
    }
  }

  /** A detached deep copy in a new store under {@code parent}. */
  public ParameterStore copy(NDManager parent) {
    ParameterStore c = new ParameterStore(parent);
    for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
      c.put(e.getKey(), e.getValue().duplicate());
    }
    return c;
  }

  /** Throws with the first differing name or shape when {@code other} has another layout. */
  public void checkSameLayout(ParameterStore other, String what) {
    if (!arrays.keySet().equals(other.arrays.keySet())) {
      throw new IllegalArgumentException(what + ": parameter names differ (expected "
          + arrays.keySet().size() + " arrays " + firstDifference(other) + ")");
    }
    for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
      NDArray o = other.get(e.getKey());
      if (!o.getShape().equals(e.getValue().getShape())) {
        throw new IllegalArgumentException(what + ": parameter " + e.getKey() + " has shape "
            + o.getShape() + ", expected " + e.getValue().getShape());
      }
    }
  }

  private String firstDifference(ParameterStore other) {
    for (String k : arrays.keySet()) {
      if (!other.arrays.containsKey(k)) {
        return "; missing " + k;
      }
    }
    for (String k : other.arrays.keySet()) {
      if (!arrays.containsKey(k)) {
        return "; unexpected " + k;
      }
    }
    return "";
  }

  /** The arrays as a named list, for encoding to a file. */
  public NDList toNDList() {
    NDList list = new NDList();
    list.addAll(arrays.values());
    return list;
  }

  @Override
  public void close() {
    manager.close();
  }
}
