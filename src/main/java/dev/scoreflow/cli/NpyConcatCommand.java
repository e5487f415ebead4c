package dev.scoreflow.cli;

import dev.scoreflow.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scoreflow npy-concat}: joins .npy shards (e.g. from {@code sample --chunks}) in order. */
@Command(name = "npy-concat", mixinStandardHelpOptions = true,
    description = "Join float32 .npy shards along their first axis, in the order given; shards of"
        + " `sample --chunks` joined in chunk order equal the one-process output byte for byte.")
final class NpyConcatCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The joined .npy.")
  Path out;

  @Parameters(arity = "1..*", paramLabel = "SHARD", description = "The .npy shards, in order.")
  List<Path> shards;

  @Override
  public Integer call() throws Exception {
    for (Path s : shards) {
      if (!Files.isRegularFile(s)) {
        throw new IllegalArgumentException(s + ": no such .npy shard");
      }
      if (s.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
        throw new IllegalArgumentException("--out " + out + " is also one of the shards");
      }
    }
    SampleCommand.requireWritableFile(out, "--out");
    Npy.concat(shards, out);
    long[] shape = Npy.shape(out);
    System.out.println("joined " + shards.size() + " shards into " + out + " with shape "
        + java.util.Arrays.toString(shape));
    return 0;
  }
}
