package dev.scoreflow.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.checkpoint.LoadedModel;
import dev.scoreflow.checkpoint.Manifest;
import dev.scoreflow.classifier.Classifier;
import dev.scoreflow.classifier.LeNet;
import dev.scoreflow.cli.SamplerOptions;
import dev.scoreflow.io.Npy;
import dev.scoreflow.job.SamplingJob;
import dev.scoreflow.sample.ChunkedSampling;
import dev.scoreflow.sample.Sampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.TaskContext;

/** What one Spark task does: its partition's range of chunks, sampled into one .npy shard. */
final class ShardTask {
  private ShardTask() {}

  /** Partition p of P makes chunks [p K / P, (p + 1) K / P) of the K chunks of N. */
  static ChunkedSampling.Plan plan(long n, int chunk, int partition, int partitions) {
    long k = ChunkedSampling.Plan.chunks(n, chunk);
    int from = Math.toIntExact(partition * k / partitions);
    int to = Math.toIntExact((partition + 1) * k / partitions);
    return new ChunkedSampling.Plan(n, chunk, from, to);
  }

  static String fileName(int partition) {
    return String.format(Locale.ROOT, "part-%05d.npy", partition);
  }

  static Shard run(SparkSampling.Job job, int partition) {
    try {
      return make(job, partition);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Shard make(SparkSampling.Job job, int partition) throws IOException {
    ChunkedSampling.Plan plan = plan(job.n(), job.chunk(), partition, job.partitions());
    Sampler sampler = SamplerOptions.parse(job.samplerFlags()).create();
    Device device = ExecutorModels.device(job.device(), job.threads());
    LoadedModel model = ExecutorModels.model(job.model(), device, job.hadoop());
    Classifier lenet = job.classifier() == null ? null
        : ExecutorModels.classifier(job.classifier(), device, job.hadoop());
    double tEnd = job.tMin() != null ? job.tMin() : model.config().tMin;
    String name = fileName(partition);
    TaskContext task = TaskContext.get();
    String attempt = task == null ? "0" : Long.toString(task.taskAttemptId());
    // Written beside its final place when that is local (then renamed), else in a temp folder.
    Path tmp = SparkFiles.isLocal(job.out())
        ? Files.createDirectories(SparkFiles.local(job.out())).resolve("." + name + "." + attempt)
        : Files.createTempFile("scoreflow-" + partition + "-", ".npy");
    FeatureSums sums = lenet == null ? null : new FeatureSums(LeNet.FEATURES, LeNet.CLASSES);
    SamplingJob.Result r;
    try (NDManager m = ExecutorModels.manager(device).newSubManager()) {
      SamplingJob.Monitor monitor = sums == null ? SamplingJob.Monitor.NONE
          : new SamplingJob.Monitor() {
            @Override
            public void chunkDone(int c, long first, NDArray samples) {
              try (NDManager f = m.newSubManager()) {
                NDList fc = lenet.featuresAndClasses(samples, f);
                sums.add(fc.get(0), fc.get(1));
              }
            }
          };
      r = new SamplingJob(model.denoiser(), model.network().dataShape())
          .run(sampler, tEnd, job.seed(), plan, new SamplingJob.Outputs(tmp, null, 0), m, monitor);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    long size = Files.size(tmp);
    String sha = Manifest.sha256(tmp);
    long[] shape = Npy.shape(tmp);
    SparkFiles.publish(tmp, job.out(), name, job.hadoop());
    return new Shard(partition, plan.from(), plan.to(), plan.count(), name, size, sha, shape,
        r.nfe(), r.wallSeconds(), InetAddress.getLocalHost().getHostName(), device.toString(),
        sums);
  }
}
