package dev.scoreflow.plot;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The training loss against the step, log-scaled, as a PNG (JFreeChart). */
public final class LossCurve {
  private LossCurve() {}

  public static void write(Path file, String title, List<double[]> stepLoss) throws IOException {
    XYSeries s = new XYSeries("loss");
    for (double[] p : stepLoss) {
      if (p[1] > 0) {
        s.add(p[0], p[1]);
      }
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, "step", "loss",
        new XYSeriesCollection(s), PlotOrientation.VERTICAL, false, false, false);
    XYPlot plot = chart.getXYPlot();
    LogAxis y = new LogAxis("loss (log scale)");
    y.setSmallestValue(1e-6);
    plot.setRangeAxis(y);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(220, 220, 220));
    plot.setRangeGridlinePaint(new Color(220, 220, 220));
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 800, 480);
  }
}
