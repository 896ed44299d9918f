package dev.hubel.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The loss and accuracy curves of a run as a PNG, drawn by JFreeChart: loss above, accuracy
 * below, on one epoch axis; training solid, validation dashed. JFreeChart is hubel-core's
 * optional dependency, so only this class names it: a caller without it on the class path gets a
 * {@link NoClassDefFoundError} from {@link #write} and carries on without the chart.
 */
final class LossChart {
  static {
    // Drawing into an image needs no display; without this, AWT would look for one when DISPLAY is set.
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
  }

  private static final Color TRAIN = new Color(0x1f77b4), VALIDATION = new Color(0xff7f0e);

  private LossChart() {}

  /** Draws {@code history} into {@code png}, written under a temporary name and renamed, so a reader never sees half a file. */
  static void write(List<EpochResult> history, String title, Path png) throws IOException {
    XYSeries trainLoss = new XYSeries("training loss"), valLoss = new XYSeries("validation loss");
    XYSeries trainAcc = new XYSeries("training accuracy"), valAcc = new XYSeries("validation accuracy");
    for (EpochResult r : history) {
      trainLoss.add(r.epoch(), r.loss());
      trainAcc.add(r.epoch(), 100 * r.accuracy());
      if (r.hasValidation()) {
        valLoss.add(r.epoch(), r.validationLoss());
        valAcc.add(r.epoch(), 100 * r.validationAccuracy());
      }
    }
    NumberAxis epochs = new NumberAxis("epoch");
    epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    epochs.setAutoRangeIncludesZero(false);
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochs);
    plot.setGap(12);
    plot.add(panel("loss", trainLoss, valLoss));
    plot.add(panel("accuracy (%)", trainAcc, valAcc));
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 900, 700);
    Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static XYPlot panel(String label, XYSeries train, XYSeries validation) {
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(train);
    data.addSeries(validation);
    NumberAxis values = new NumberAxis(label);
    values.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
    lines.setSeriesPaint(0, TRAIN);
    lines.setSeriesPaint(1, VALIDATION);
    lines.setSeriesStroke(0, new BasicStroke(2f));
    lines.setSeriesStroke(1, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    XYPlot plot = new XYPlot(data, null, values, lines);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return plot;
  }
}
