package dev.scoreflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.scoreflow.TestEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A smoke run of the benchmark (not a measurement): the reference's fields and counts. */
class BenchSmokeTest {
  @Test
  void bothWorkloadsEmitTheReferenceFields() {
    try (NDManager m = TestEngine.manager(0)) {
      for (Workload w : Workload.values()) {
        List<Map<String, Object>> lines = new ArrayList<>();
        Benchmark.run(w, TestEngine.device(), true, lines::add);
        assertEquals(3, lines.size());
        assertEquals("param_count", lines.get(0).get("metric"));
        assertEquals(w == Workload.TOY ? 297_474L : 793_953L, lines.get(0).get("value"));
        Map<String, Object> train = lines.get(1);
        assertEquals("train_steps_per_s", train.get("metric"));
        assertEquals(w.batch, train.get("batch"));
        assertTrue((Double) train.get("value") > 0);
        Map<String, Object> sample = lines.get(2);
        assertEquals("sample_per_s", sample.get("metric"));
        assertEquals(w.sampleCount, sample.get("n"));
        assertEquals(w.id, sample.get("workload"));
      }
    }
  }

  @Test
  void profileWritesTracesOfTheOpsRun(@TempDir Path dir) throws Exception {
    try (NDManager m = TestEngine.manager(0)) {
      Benchmark.run(Workload.TOY, TestEngine.device(), true, dir, line -> { });
      String train = Files.readString(dir.resolve("toy-train.json"));
      String sample = Files.readString(dir.resolve("toy-sample.json"));
      assertTrue(train.contains("aten::addmm") && train.contains("AddmmBackward"), "forward and backward ops");
      assertTrue(sample.contains("aten::addmm") && !sample.contains("AddmmBackward"), "no backward when sampling");
    }
  }
}
