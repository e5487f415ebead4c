package dev.scoreflow.train;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.scoreflow.checkpoint.CheckpointState;
import org.junit.jupiter.api.Test;

/** Resuming on another kind of device than the checkpoint's is named in a warning. */
class DeviceChangeTest {
  private static CheckpointState state(String kind, String device) {
    CheckpointState s = new CheckpointState();
    s.deviceKind = kind;
    s.device = device;
    s.natives = kind.equals("gpu") ? "cu121" : "cpu";
    return s;
  }

  @Test
  void anotherKindOfDeviceIsNamed() {
    String w = Trainer.deviceChange(state("gpu", "gpu(0)"), Device.cpu());
    assertTrue(w != null && w.contains("gpu(0)") && w.contains("cu121") && w.contains("cpu()")
        && w.contains("not bit for bit"), w);
  }

  @Test
  void theSameKindOrAnOldCheckpointIsQuiet() {
    assertNull(Trainer.deviceChange(state("cpu", "cpu()"), Device.cpu()));
    assertNull(Trainer.deviceChange(new CheckpointState(), Device.cpu())); // an older checkpoint
  }
}
