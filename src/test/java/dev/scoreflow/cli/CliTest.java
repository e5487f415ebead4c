package dev.scoreflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: help texts, one-line errors for bad flags, and a tiny train + sample. */
class CliTest {
  @TempDir Path tmp;

  /** Runs the CLI in-process; returns {exit code, stdout, stderr}. */
  static Object[] run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Object[] {code, out.toString(), err.toString()};
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] args : new String[][] {{"--help"}, {"info", "--help"}, {"train", "--help"},
        {"sample", "--help"}}) {
      Object[] r = run(args);
      assertEquals(0, r[0], String.join(" ", args));
      assertTrue(((String) r[1]).contains("Usage: scoreflow"), (String) r[1]);
    }
    assertTrue(((String) run("sample", "--help")[1]).contains("--sampler"));
    assertTrue(((String) run("train", "--help")[1]).contains("--checkpoint-every"));
  }

  static void assertOneLineError(Object[] r, String flag) {
    assertNotEquals(0, r[0]);
    String err = ((String) r[2]).strip();
    assertEquals(1, err.lines().count(), "one line expected, got:\n" + err);
    assertTrue(err.contains(flag), "error should name " + flag + ": " + err);
  }

  @Test
  void userErrorsAreToldByTypeNotByName() {
    assertTrue(Main.isUserError(new dev.scoreflow.checkpoint.CheckpointException("bad")));
    assertTrue(Main.isUserError(new dev.scoreflow.data.DataFormatException("bad")));
    assertTrue(Main.isUserError(new java.io.UncheckedIOException(new java.io.IOException("disk"))));
    assertTrue(!Main.isUserError(new IllegalStateException("bug")));
    // A name that merely looks like a user error is not one.
    class SomethingFormatException extends RuntimeException {}
    assertTrue(!Main.isUserError(new SomethingFormatException()));
  }

  @Test
  void unknownSamplerIsAOneLineError() {
    assertOneLineError(run("sample", "--run", tmp.toString(), "--sampler", "euler-a"), "--sampler");
  }

  @Test
  void etaOutsideTheUnitIntervalIsRejected() {
    assertOneLineError(run("sample", "--run", tmp.toString(), "--eta", "1.5"), "--eta");
    assertOneLineError(run("sample", "--run", tmp.toString(), "--sampler", "sde", "--gamma", "-0.1"), "--gamma");
  }

  @Test
  void missingRunFolderIsRejected() {
    assertOneLineError(run("sample", "--run", tmp.resolve("nope").toString()), "--run");
  }

  @Test
  void badTrainFlagsAreRejected() {
    assertOneLineError(run("train", "--out", tmp.toString(), "--data", "spiral"), "--data");
    assertOneLineError(run("train", "--out", tmp.toString(), "--ema-decay", "1.5"), "--ema-decay");
    assertOneLineError(run("train", "--out", tmp.toString(), "--steps", "many"), "--steps");
    assertOneLineError(run("sample", "--run", tmp.toString(), "--model", tmp.toString()), "--run");
  }

  @Test
  void resumeWithoutCheckpointsIsAnErrorNotAFreshStart() {
    Object[] r = run("train", "--out", tmp.resolve("empty").toString(), "--resume", "--steps", "5");
    assertOneLineError(r, "--resume");
    assertTrue(!Files.exists(tmp.resolve("empty/checkpoints")), "nothing may be trained");
  }

  @Test
  void trainThenSampleWritesPictureAndNpy() throws Exception {
    Path runDir = tmp.resolve("run");
    Object[] t = run("train", "--data", "moons", "--steps", "30", "--batch", "64", "--width", "32",
        "--out", runDir.toString(), "--seed", "3", "--device", "cpu");
    assertEquals(0, t[0], (String) t[2]);
    assertTrue(Files.exists(runDir.resolve("config.json")));
    assertTrue(Files.exists(runDir.resolve("checkpoints/step-00000030/manifest.json")));
    assertEquals(4, Files.readAllLines(runDir.resolve("metrics.csv")).size()); // header + 3 rows

    Path png = tmp.resolve("s.png");
    Path npy = tmp.resolve("s.npy");
    Path traj = tmp.resolve("t.png");
    Object[] s = run("sample", "--run", runDir.toString(), "--sampler", "ode", "--solver", "rk4",
        "--steps", "5", "--n", "300", "--out", png.toString(), "--npy", npy.toString(),
        "--trajectory", traj.toString());
    assertEquals(0, s[0], (String) s[2]);
    assertTrue(Files.size(png) > 1000 && Files.size(traj) > 1000);
    byte[] b = Files.readAllBytes(npy);
    String header = new String(b, 10, b[8] & 0xff | (b[9] & 0xff) << 8, StandardCharsets.US_ASCII);
    assertTrue(header.contains("'descr': '<f4'") && header.contains("'shape': (300, 2)"), header);
    int offset = 10 + (b[8] & 0xff | (b[9] & 0xff) << 8);
    assertEquals(300 * 2 * 4, b.length - offset);
    assertEquals(0, (10 + header.length()) % 64, "npy header must align to 64 bytes");
    float first = ByteBuffer.wrap(b, offset, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
    assertTrue(Float.isFinite(first));

    Object[] d = run("sample", "--run", runDir.toString(), "--sampler", "dpm++2m", "--steps", "6",
        "--spacing", "logsnr", "--n", "100", "--out", tmp.resolve("d.png").toString());
    assertEquals(0, d[0], (String) d[2]);
    assertTrue(Files.size(tmp.resolve("d.png")) > 1000);
  }
}
