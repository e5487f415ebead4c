package dev.scoreflow.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.scoreflow.model.ParameterStore;
import dev.scoreflow.model.ReferenceNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weights as a .safetensors file (DJL's {@link NDList.Encoding#SAFETENSORS}: an 8-byte
 * little-endian header length, a JSON header of name -> dtype, shape, byte offsets, then the raw
 * little-endian data in parameter order). For the MLP and UNet-S the names are the PyTorch
 * reference's ({@link ReferenceNames}); any other architecture keeps scoreflow's own names.
 */
public final class SafetensorsWeights {
  /** The weights file of a model folder exported with {@code --format safetensors}. */
  public static final String EMA_FILE = "ema.safetensors";

  private SafetensorsWeights() {}

  /** scoreflow name -> name in the file, for a network of {@code architecture}. */
  public static Map<String, String> fileNames(String architecture, Iterable<String> names) {
    return ReferenceNames.of(architecture, names).orElseGet(() -> {
      Map<String, String> own = new LinkedHashMap<>();
      names.forEach(n -> own.put(n, n));
      return own;
    });
  }

  /** The bytes of {@code weights} as safetensors, under the names of {@link #fileNames}. */
  public static byte[] encode(ParameterStore weights, String architecture) throws IOException {
    Map<String, String> names = fileNames(architecture, weights.asMap().keySet());
    // Renamed CPU copies in a scratch manager, so the store's own arrays keep their names.
    try (NDManager scratch = weights.manager().newSubManager(Device.cpu())) {
      NDList list = new NDList();
      for (Map.Entry<String, NDArray> e : weights.asMap().entrySet()) {
        NDArray a = e.getValue();
        if (a.getDataType() != DataType.FLOAT32) {
          throw new IllegalStateException(e.getKey() + " is " + a.getDataType() + ", not float32");
        }
        NDArray copy = a.toDevice(Device.cpu(), true);
        copy.attach(scratch);
        copy.setName(names.get(e.getKey()));
        list.add(copy);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      list.encode(out, NDList.Encoding.SAFETENSORS);
      return out.toByteArray();
    }
  }

  /** Writes {@link #encode} to {@code file}, forced to the disk. */
  public static void write(ParameterStore weights, String architecture, Path file)
      throws IOException {
    CheckpointStore.writeDurably(file, encode(weights, architecture));
  }

  /**
   * Reads a file written by {@link #write} back under scoreflow's names, on {@code manager}'s
   * device, checked against {@code layout} (the network's freshly initialised parameters).
   */
  public static ParameterStore read(Path file, String architecture, ParameterStore layout,
      NDManager manager) {
    byte[] bytes = CheckpointStore.readWeights(file);
    if (bytes.length < 9 || bytes[8] != '{') {
      throw new CheckpointException(file + ": not a safetensors file");
    }
    Map<String, String> toOwn = new HashMap<>();
    fileNames(architecture, layout.asMap().keySet()).forEach((own, inFile) -> toOwn.put(inFile, own));
    return CheckpointStore.decodeArrays(file, bytes, layout, manager, toOwn::get,
        "not a safetensors weights file of this " + architecture + " model");
  }
}
