package dev.scoreflow.train;

import dev.scoreflow.spec.TrainConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.scoreflow.TestEngine;
import dev.scoreflow.model.NoisePredictor;
import dev.scoreflow.sample.DdimSampler;
import dev.scoreflow.sample.TimeGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thousands of training and sampling steps leave the number of live arrays unchanged. */
class MemoryFlatTest {
  @TempDir Path tmp;

  /**
   * Resident memory outside the Java heap, in kB: RSS minus the JVM's committed heap and
   * non-heap memory, so that the heap growing between collections does not count as a leak.
   * A collection runs first: DJL backs scalar operands with direct buffers that only the GC
   * frees, and those are garbage awaiting collection, not a leak.
   */
  static long rssKb() throws Exception {
    System.gc();
    Thread.sleep(200); // let the cleaner thread free the collected buffers
    java.lang.management.MemoryMXBean mx = java.lang.management.ManagementFactory.getMemoryMXBean();
    long jvm = mx.getHeapMemoryUsage().getCommitted() + mx.getNonHeapMemoryUsage().getCommitted();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) - jvm / 1024;
      }
    }
    return -1;
  }

  @Test
  void trainingAndSamplingDoNotLeak() throws Exception {
    try (NDManager m = TestEngine.manager(5)) {
      TrainConfig c = new TrainConfig();
      c.data = "moons";
      c.width = 64;
      c.batch = 256;
      c.logEvery = 50;
      c.checkpointEvery = 500;
      c.keep = 2;
      RunFolder run = new RunFolder(tmp.resolve("run"));
      c.steps = 300;
      try (Trainer t = Trainer.start(c, run, TestEngine.device())) {
        t.run(TrainingListener.NONE, () -> false); // warm-up: allocator pools fill
      }
      TrainConfig more = c.copy();
      more.steps = 3300;
      try (Trainer t = Trainer.resume(run, null, more, java.util.Set.of("steps"), TestEngine.device())) {
        NDManager own = ownManager(t);
        int before = own.getManagedArrays().size();
        long[] rss = new long[2]; // at step 1300 (allocator pools warm) and at the end
        t.run(new TrainingListener() {
          int first = -1;

          @Override
          public void logged(long step, double loss, double lr, double rate) {
            try {
              if (step == 1300) {
                rss[0] = rssKb();
              } else if (step == more.steps) {
                rss[1] = rssKb();
              }
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            // the live-array count is the same after every logging window
            int now = own.getManagedArrays().size();
            if (first < 0) {
              first = now;
            }
            assertEquals(first, now, "live arrays at step " + step);
          }
        }, () -> false);
        assertEquals(before, own.getManagedArrays().size());
        System.out.printf("native RSS %d kB at step 1300 -> %d kB at step 3300%n", rss[0], rss[1]);
        // A leak of a few arrays per step would add hundreds of MB over 2000 steps.
        assertTrue(rss[1] - rss[0] < 64_000, "RSS grew by " + (rss[1] - rss[0]) + " kB");
      }

      // Sampling: 3000 DDIM steps with a small network; the caller's manager only gains the result.
      dev.scoreflow.model.ToyMlp net = new dev.scoreflow.model.ToyMlp(m, 64, 2);
      try (dev.scoreflow.model.ParameterStore p = net.initParameters(m)) {
        NDArray x1 = m.randomNormal(new ai.djl.ndarray.types.Shape(512, 2));
        int live = m.getManagedArrays().size();
        NDArray x0 = new DdimSampler(3000, 0.5, TimeGrid.Spacing.UNIFORM)
            .sample(NoisePredictor.of(net, p), new dev.scoreflow.schedule.VpLinear(), x1, 1e-3);
        assertEquals(live + 1, m.getManagedArrays().size());
        x0.close();
      }
    }
  }

  private static NDManager ownManager(Trainer t) {
    return t.manager();
  }
}
