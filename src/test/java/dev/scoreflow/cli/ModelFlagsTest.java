package dev.scoreflow.cli;

import static dev.scoreflow.cli.CliTest.assertOneLineError;
import static dev.scoreflow.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train's model flags: checked before any data are read, one line naming the flag. */
class ModelFlagsTest {
  @TempDir Path tmp;

  private Object[] train(String... flags) {
    String[] args = new String[flags.length + 3];
    args[0] = "train";
    args[1] = "--out";
    args[2] = tmp.resolve("run").toString();
    System.arraycopy(flags, 0, args, 3, flags.length);
    return run(args);
  }

  @Test
  void badModelFlagsFailBeforeTheDataAreRead() {
    // The data folder does not exist: a missing-data error would mean the flags came too late.
    String missing = "idx:" + tmp.resolve("no-such-folder");
    assertOneLineError(train("--data", missing, "--arch", "unet-m", "--groups", "5"), "--groups");
    assertOneLineError(train("--data", missing, "--arch", "unet", "--dropout", "1.5"), "--dropout");
    assertOneLineError(train("--data", missing, "--arch", "unet", "--channel-mult", "1,0"),
        "--channel-mult");
    assertOneLineError(train("--data", missing, "--arch", "unet", "--attention-res", "x"),
        "--attention-res");
    assertOneLineError(train("--data", missing, "--arch", "resnet"), "--arch");
    assertOneLineError(train("--data", "gmm8", "--arch", "unet-s"), "--arch");
    assertOneLineError(train("--data", "gmm8", "--model-channels", "64"), "--model-channels");
    // Good flags pass on to the data, whose shape the shape checks wait for.
    Object[] r = train("--data", missing, "--arch", "unet-m", "--attention-res", "16,8");
    assertEquals(1, r[0]);
    assertTrue(((String) r[2]).contains("no-such-folder"), (String) r[2]);
  }

  @Test
  void helpListsTheModelFlags() {
    String help = (String) run("train", "--help")[1];
    for (String flag : new String[] {"--arch", "--model-channels", "--channel-mult", "--res-blocks",
        "--attention-res", "--dropout", "--groups"}) {
      assertTrue(help.contains(flag), flag);
    }
  }
}
