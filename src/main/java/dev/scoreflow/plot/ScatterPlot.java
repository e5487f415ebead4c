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
  private ScatterPlot() {}

  /**
   * Writes a square PNG of the points {@code xy} (x then y coordinates, interleaved) over
   * [-range, range]^2. {@code paths} are polylines (interleaved too), drawn in colour on top.
   */
  public static void write(Path file, String title, float[] xy, double range, List<float[]> paths)
      throws IOException {
    DefaultXYDataset points = new DefaultXYDataset();
    points.addSeries("samples", deinterleave(xy));
    NumberAxis xAxis = axis("x", range);
    NumberAxis yAxis = axis("y", range);
    XYShapeRenderer dots = new XYShapeRenderer();
    dots.setSeriesShape(0, new Ellipse2D.Double(-1, -1, 2, 2));
    dots.setSeriesPaint(0, new Color(20, 60, 140, 90));
    dots.setSeriesOutlinePaint(0, new Color(0, 0, 0, 0));
    dots.setDrawOutlines(false);
    XYPlot plot = new XYPlot(points, xAxis, yAxis, dots);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(220, 220, 220));
    plot.setRangeGridlinePaint(new Color(220, 220, 220));
    if (paths != null && !paths.isEmpty()) {
      DefaultXYDataset lines = new DefaultXYDataset();
      for (int i = 0; i < paths.size(); i++) {
        lines.addSeries("path " + i, deinterleave(paths.get(i)));
      }
      XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
      for (int i = 0; i < paths.size(); i++) {
        r.setSeriesStroke(i, new BasicStroke(1.2f));
        r.setSeriesPaint(i, Color.getHSBColor(i / (float) paths.size(), 0.85f, 0.85f));
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
