package dev.scoreflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sample}'s progress, seen from outside the process: on a pseudo-terminal (util-linux
 * {@code script}) a bar that redraws in place; through a pipe periodic log lines on stderr and
 * nothing but the result on stdout.
 */
class ProgressTest {
  @TempDir Path tmp;

  /** A scoreflow process with the shipped logging set-up and a short progress-log interval. */
  static List<String> java(String... args) {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-Djava.awt.headless=true",
        "-Dscoreflow.progress.seconds=0.3", "-Dlog4j2.configurationFile=log4j2.xml",
        "dev.scoreflow.cli.Main"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  static final String[] SAMPLE = {"sample", "--model", "models/mnist-unet-s", "--n", "32",
      "--chunk", "8", "--steps", "6", "--device", "cpu", "--threads", "1"};

  @Test
  void offATerminalAPeriodicLogLineOnStderr() throws Exception {
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    List<String> cmd = java(SAMPLE);
    cmd.addAll(List.of("--out", tmp.resolve("s.png").toString()));
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    assertEquals(0, p.waitFor(), Files.readString(err));
    String e = Files.readString(err);
    Matcher m = Pattern.compile("sample: (\\d+(\\.\\d)?)/32 samples").matcher(e);
    int lines = 0;
    while (m.find()) {
      lines++;
    }
    assertTrue(lines >= 3, "expected several progress lines:\n" + e);
    assertTrue(e.contains("NFE/s") && e.contains("32/32 samples (100%)"), e);
    String o = Files.readString(out).strip();
    assertEquals(1, o.lines().count(), "stdout holds only the result line:\n" + o);
    assertTrue(o.startsWith("sampler ddim"), o);
  }

  @Test
  void onATerminalABarThatRedraws() throws Exception {
    Path log = tmp.resolve("tty.txt");
    StringBuilder line = new StringBuilder();
    List<String> cmd = java(SAMPLE);
    cmd.addAll(List.of("--out", tmp.resolve("s.png").toString()));
    for (String a : cmd) {
      line.append('\'').append(a.replace("'", "'\\''")).append("' ");
    }
    // script runs the command on a new pseudo-terminal and copies what it shows to the log.
    Process p = new ProcessBuilder("script", "-q", "-e", "-c", line.toString(), log.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("script.txt").toFile())
        .redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    assertEquals(0, p.waitFor(), Files.readString(tmp.resolve("script.txt")));
    String shown = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    long redraws = shown.chars().filter(c -> c == '\r').count();
    assertTrue(shown.contains("sample") && shown.contains("32/32"), shown);
    assertTrue(redraws >= 3, "a bar redraws its line with carriage returns:\n" + shown);
    assertFalse(shown.contains("INFO  sample: "), "no log lines on a terminal:\n" + shown);
  }
}
