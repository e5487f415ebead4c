package dev.scoreflow.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scoreflow.data.ImageDataset;
import dev.scoreflow.data.Permutations;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Batches from an {@link ImageDataset}, gathered on its device by index.
 *
 * <p>Order. The examples are read as one endless stream: epoch 0's permutation of 0..N-1, then
 * epoch 1's, and so on, each a pure function of (seed, epoch). Batch {@code k} of size B takes
 * stream positions [k*B, (k+1)*B); position p is slot p % N of epoch p / N. So when B does not
 * divide N a batch can take the tail of one epoch and the head of the next: nothing is dropped,
 * every epoch visits every example exactly once, and only such a straddling batch can hold an
 * example twice. Since the batch depends on nothing but (seed, step, B), a resumed run reads
 * exactly what an uninterrupted one would (as long as B is unchanged).
 *
 * <p>Randomness. Permutations (and flips, when on) come from a Fisher-Yates shuffle driven by
 * {@link Random} seeded with SplitMix64(seed, epoch), on the host: N ints once per epoch, copied
 * to the device once and kept for the next batches. They never touch the engine's generator,
 * which the trainer reseeds per step for the noise draws.
 */
public final class ImageTrainingData implements TrainingData {
  /** The current epoch's order and the next one (a batch may straddle the two). */
  private static final int CACHED_EPOCHS = 2;
  /** Keeps the flip stream apart from the permutation stream of the same epoch. */
  private static final long FLIP_STREAM = 0x5DEECE66DL;

  private final ImageDataset dataset;
  private final long seed;
  private final NDManager cacheManager;
  private final Map<Long, EpochOrder> cache = new LinkedHashMap<>();

  /** Epoch e's order on the device: dataset indices in slot order, and per-slot flips (or null). */
  private record EpochOrder(NDArray indices, NDArray flips) {}

  /** Takes ownership of {@code dataset}: {@link #close()} closes it. */
  public ImageTrainingData(ImageDataset dataset, long seed) {
    this.dataset = dataset;
    this.seed = seed;
    this.cacheManager = dataset.manager().newSubManager();
  }

  public ImageDataset dataset() {
    return dataset;
  }

  @Override
  public Shape exampleShape() {
    return dataset.exampleShape();
  }

  @Override
  public NDArray batch(NDManager manager, long step, int size) {
    try (NDManager tmp = dataset.manager().newSubManager()) {
      NDArray[] picked = pick(tmp, step, size);
      return dataset.gather(manager, picked[0], picked[1]);
    }
  }

  /**
   * The batch of step {@code step} (the same images as {@link #batch}) and its labels, INT32
   * [size] on the batch's device; null labels for an unlabelled set.
   */
  @Override
  public Batch labelledBatch(NDManager manager, long step, int size) {
    if (!dataset.labelled()) {
      return new Batch(batch(manager, step, size), null);
    }
    try (NDManager tmp = dataset.manager().newSubManager()) {
      NDArray[] picked = pick(tmp, step, size);
      NDArray x0 = dataset.gather(manager, picked[0], picked[1]);
      NDArray labels = dataset.gatherLabels(tmp, picked[0]).toType(DataType.INT32, false);
      labels.attach(manager);
      return new Batch(x0, labels);
    }
  }

  @Override
  public List<String> classNames() {
    return dataset.classNames();
  }

  /** The labels of batch {@code step}, int64 [size], matching {@link #batch} row for row. */
  public NDArray labels(NDManager manager, long step, int size) {
    try (NDManager tmp = dataset.manager().newSubManager()) {
      return dataset.gatherLabels(manager, pick(tmp, step, size)[0]);
    }
  }

  /** The dataset indices batch {@code step} reads, int64 [size], attached to {@code manager}. */
  public NDArray indices(NDManager manager, long step, int size) {
    try (NDManager tmp = dataset.manager().newSubManager()) {
      NDArray idx = pick(tmp, step, size)[0];
      idx.attach(manager);
      return idx;
    }
  }

  /** Epoch in which batch {@code step} starts: after {@code step} steps, how many epochs are done. */
  @Override
  public long[] position(long step, int size) {
    return new long[] {dataEpoch(step, size), dataIndex(step, size)};
  }

  public long dataEpoch(long step, int size) {
    return start(step, size) / dataset.size();
  }

  /** Slot within {@link #dataEpoch} at which batch {@code step} starts. */
  public long dataIndex(long step, int size) {
    return start(step, size) % dataset.size();
  }

  @Override
  public String describe() {
    return dataset.name() + " (" + dataset.size() + " images of " + dataset.spec().describeShape()
        + (dataset.labelled() ? " in " + dataset.classNames().size() + " classes" : ", unlabelled")
        + " from " + dataset.source() + ", reshuffled each epoch from seed " + seed
        + (dataset.randomFlip() ? ", random left-right flips" : "") + ")";
  }

  /** Epoch {@code epoch}'s order of 0..n-1: a pure function of its arguments. */
  public static int[] permutation(long seed, long epoch, int n) {
    return Permutations.shuffled(mix(seed, epoch), n);
  }

  /** Epoch {@code epoch}'s flip decision per slot, each true with probability 1/2. */
  public static boolean[] flips(long seed, long epoch, int n) {
    Random random = new Random(mix(seed ^ FLIP_STREAM, epoch));
    boolean[] flips = new boolean[n];
    for (int i = 0; i < n; i++) {
      flips[i] = random.nextBoolean();
    }
    return flips;
  }

  /**
   * SplitMix64 of (seed, epoch), so neighbouring epochs and seeds give unrelated streams. The same
   * mixer as the trainer's per-step seed, but its own copy: checkpoints rely on this order never
   * changing, whatever happens to the trainer's.
   */
  static long mix(long seed, long epoch) {
    long z = seed * 0x9E3779B97F4A7C15L + epoch + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private long start(long step, int size) {
    if (step < 0 || size < 1) {
      throw new IllegalArgumentException("batch: step must be >= 0 and size >= 1, got step " + step
          + " and size " + size);
    }
    return Math.multiplyExact(step, (long) size);
  }

  /** [indices int64 [size], flips boolean [size] or null] for batch {@code step}, in {@code tmp}. */
  private NDArray[] pick(NDManager tmp, long step, int size) {
    long n = dataset.size();
    long from = start(step, size);
    long to = Math.addExact(from, size);
    NDList indexParts = new NDList();
    NDList flipParts = new NDList();
    for (long p = from; p < to; ) {
      long epoch = p / n;
      long slot = p % n;
      long take = Math.min(n - slot, to - p);
      EpochOrder order = order(epoch);
      NDIndex range = new NDIndex("{}:{}", slot, slot + take);
      indexParts.add(attached(order.indices().get(range), tmp));
      if (order.flips() != null) {
        flipParts.add(attached(order.flips().get(range), tmp));
      }
      p += take;
    }
    NDArray indices = indexParts.size() == 1 ? indexParts.get(0) : attached(NDArrays.concat(indexParts), tmp);
    NDArray flips = flipParts.isEmpty() ? null
        : flipParts.size() == 1 ? flipParts.get(0) : attached(NDArrays.concat(flipParts), tmp);
    return new NDArray[] {indices, flips};
  }

  private static NDArray attached(NDArray a, NDManager m) {
    a.attach(m);
    return a;
  }

  private synchronized EpochOrder order(long epoch) {
    EpochOrder cached = cache.get(epoch);
    if (cached != null) {
      return cached;
    }
    int n = dataset.size();
    int[] perm = permutation(seed, epoch, n);
    long[] asLong = new long[n];
    for (int i = 0; i < n; i++) {
      asLong[i] = perm[i];
    }
    NDArray indices = torchOwned(cacheManager.create(asLong));
    NDArray flips = dataset.randomFlip() ? torchOwned(cacheManager.create(flips(seed, epoch, n)))
        : null;
    EpochOrder order = new EpochOrder(indices, flips);
    cache.put(epoch, order);
    while (cache.size() > CACHED_EPOCHS) {
      Iterator<EpochOrder> oldest = cache.values().iterator();
      EpochOrder gone = oldest.next();
      oldest.remove();
      gone.indices().close();
      if (gone.flips() != null) {
        gone.flips().close();
      }
    }
    return order;
  }

  /**
   * A copy of {@code created} in memory PyTorch owns, registered with no NDScope (made during a
   * training step's scope, the cache owns it). On the CPU, {@code create(javaArray)} wraps a
   * direct buffer that only the returned array keeps alive (docs/djl.md, "Arrays made from Java
   * arrays"); the batches are views of these orders, and a batch spanning more epochs than the
   * cache holds evicts an order while its view is still in use.
   */
  private static NDArray torchOwned(NDArray created) {
    NDArray owned = created.duplicate();
    created.close();
    NDScope.unregister(owned);
    return owned;
  }

  /** Releases the cached orders and the data set. */
  @Override
  public synchronized void close() {
    cache.clear();
    cacheManager.close();
    dataset.close();
  }
}
