package dev.scoreflow.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYShapeRenderer;
import org.jfree.data.xy.DefaultXYDataset;

/** 2-D scatter plots of samples, optionally with trajectories drawn over them (JFreeChart). */
public final class ScatterPlot {
  /** Pieces a faded path is cut into, from faint to solid. */
  private static final int FADE_PIECES = 12;

  private ScatterPlot() {}

  /**
   * Writes a square PNG of the points {@code xy} (x then y coordinates, interleaved) over
   * [-range, range]^2. {@code paths} are polylines (interleaved too), drawn in colour on top.
   */
  public static void write(Path file, String title, float[] xy, double range, List<float[]> paths)
      throws IOException {
    write(file, title, xy, range, paths, false);
  }

  /**
   * As above; with {@code fade} each path is drawn faint where it starts (pure noise) and solid
   * where it ends, so that a few noisy paths of a stochastic sampler stay readable.
   */
  public static void write(Path file, String title, float[] xy, double range, List<float[]> paths,
      boolean fade) throws IOException {
    write(file, title, xy, null, range, paths, fade);
  }

  /**
   * As above, with point i drawn in the colour of {@code groups[i]} (0..G-1, e.g. the class a
   * sample was asked for); null draws every point in one colour.
   */
  public static void write(Path file, String title, float[] xy, int[] groups, double range,
      List<float[]> paths, boolean fade) throws IOException {
    DefaultXYDataset points = new DefaultXYDataset();
    XYShapeRenderer dots = new XYShapeRenderer();
    if (groups == null) {
      points.addSeries("samples", deinterleave(xy));
      dots.setSeriesPaint(0, new Color(20, 60, 140, 90));
    } else {
      int g = java.util.Arrays.stream(groups).max().orElse(0) + 1;
      for (int k = 0; k < g; k++) {
        int kk = k;
        int[] rows = java.util.stream.IntStream.range(0, groups.length)
            .filter(i -> groups[i] == kk).toArray();
        float[] part = new float[2 * rows.length];
        for (int i = 0; i < rows.length; i++) {
          part[2 * i] = xy[2 * rows[i]];
          part[2 * i + 1] = xy[2 * rows[i] + 1];
        }
        points.addSeries("group " + k, deinterleave(part));
        Color hue = Color.getHSBColor(k / (float) g, 0.85f, 0.75f);
        dots.setSeriesPaint(k, new Color(hue.getRed(), hue.getGreen(), hue.getBlue(), 110));
      }
    }
    NumberAxis xAxis = axis("x", range);
    NumberAxis yAxis = axis("y", range);
    for (int k = 0; k < points.getSeriesCount(); k++) {
      dots.setSeriesShape(k, new Ellipse2D.Double(-1, -1, 2, 2));
      dots.setSeriesOutlinePaint(k, new Color(0, 0, 0, 0));
    }
    dots.setDrawOutlines(false);
    XYPlot plot = new XYPlot(points, xAxis, yAxis, dots);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(220, 220, 220));
    plot.setRangeGridlinePaint(new Color(220, 220, 220));
    if (paths != null && !paths.isEmpty()) {
      DefaultXYDataset lines = new DefaultXYDataset();
      XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
      int pieces = fade ? FADE_PIECES : 1;
      int series = 0;
      for (int i = 0; i < paths.size(); i++) {
        double[][] line = deinterleave(paths.get(i));
        int count = line[0].length;
        Color hue = Color.getHSBColor(i / (float) paths.size(), 0.85f, 0.8f);
        for (int k = 0; k < pieces; k++) {
          // Consecutive pieces share an end point, so the path stays connected.
          int from = (int) ((long) k * (count - 1) / pieces);
          int to = (int) ((long) (k + 1) * (count - 1) / pieces);
          if (to <= from && pieces > 1) {
            continue;
          }
          double[][] part = {java.util.Arrays.copyOfRange(line[0], from, to + 1),
              java.util.Arrays.copyOfRange(line[1], from, to + 1)};
          lines.addSeries("path " + i + "." + k, pieces > 1 ? part : line);
          int alpha = pieces > 1 ? (int) (25 + 230.0 * (k + 1) / pieces) : 255;
          r.setSeriesStroke(series, new BasicStroke(pieces > 1 ? 1.0f + k * 1.2f / pieces : 1.2f));
          r.setSeriesPaint(series, new Color(hue.getRed(), hue.getGreen(), hue.getBlue(), alpha));
          series++;
        }
      }
      if (fade) {
        // Where each path ends: a ring in its colour, so the sample it became is easy to find.
        DefaultXYDataset ends = new DefaultXYDataset();
        XYShapeRenderer rings = new XYShapeRenderer();
        for (int i = 0; i < paths.size(); i++) {
          float[] p = paths.get(i);
          ends.addSeries("end " + i, new double[][] {{p[p.length - 2]}, {p[p.length - 1]}});
          rings.setSeriesShape(i, new Ellipse2D.Double(-5, -5, 10, 10));
          rings.setSeriesPaint(i, Color.getHSBColor(i / (float) paths.size(), 0.85f, 0.8f));
        }
        plot.setDataset(2, ends);
        plot.setRenderer(2, rings);
      }
      plot.setDataset(1, lines);
      plot.setRenderer(1, r);
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 640, 660);
  }

  private static NumberAxis axis(String label, double range) {
    NumberAxis a = new NumberAxis(label);
    a.setRange(-range, range);
    return a;
  }

  static double[][] deinterleave(float[] xy) {
    int n = xy.length / 2;
    double[][] out = new double[2][n];
    for (int i = 0; i < n; i++) {
      out[0][i] = xy[2 * i];
      out[1][i] = xy[2 * i + 1];
    }
    return out;
  }
}
