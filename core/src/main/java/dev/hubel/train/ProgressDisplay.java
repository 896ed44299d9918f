package dev.hubel.train;

import java.io.Console;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Shows a run's progress. On a terminal: a bar per epoch redrawn in place (carriage return) with
 * loss, accuracy, images/s and the epoch's time left, then the epoch's line. Elsewhere (a pipe, a
 * file, CI): only one line per epoch, so logs stay readable.
 *
 * <p>Hand-written rather than a progress-bar library: the one line is 60 lines of code, while the
 * libraries (me.tongfei:progressbar) bring a terminal library (JLine) and a rendering thread
 * into hubel-core, and would still need the plain mode written here for non-terminals.
 */
public final class ProgressDisplay implements RunListener {
  private static final long REDRAW_NANOS = 200_000_000L;  // 5 redraws a second: readable, and formatting stays off the step's path
  private static final int BAR = 24;

  private final PrintStream out;
  private final boolean terminal;
  private long lastDraw;
  private boolean drawn;
  private double epochSeconds;
  private int epochsTimed;

  public ProgressDisplay(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** A bar when {@code out} is the terminal (see {@link #isTerminal()}), plain lines otherwise. */
  public static ProgressDisplay forConsole(PrintStream out) {
    return new ProgressDisplay(out, isTerminal());
  }

  /** Whether standard output is an interactive terminal that understands carriage returns and erasing a line. */
  public static boolean isTerminal() {
    Console console = System.console();
    String term = System.getenv("TERM");
    return console != null && console.isTerminal() && term != null && !term.isEmpty() && !term.equals("dumb");
  }

  @Override
  public void batchEnded(BatchProgress p) {
    if (!terminal) return;
    boolean last = p.batch() == p.batches();
    if (!last && p.nowNanos - lastDraw < REDRAW_NANOS && drawn) return;
    lastDraw = p.nowNanos;
    drawn = true;
    out.print("\r" + bar(p) + "\033[K");
    out.flush();
  }

  /** The bar's text (without carriage return), e.g. {@code epoch 2/10 [=====>    ] 52% loss 0.4123 acc 87.10% 5,800 img/s 0:12 left}. */
  static String bar(BatchProgress p) {
    double done = (double) p.images() / p.imagesInEpoch();
    int full = (int) Math.round(done * BAR);
    String bar = "=".repeat(Math.max(0, full - 1)) + (full > 0 ? (full == BAR ? "=" : ">") : "") + " ".repeat(BAR - full);
    return String.format(Locale.ROOT, "epoch %d/%d [%s] %3.0f%%  loss %.4f  acc %.2f%%  %,.0f img/s  %s left",
        p.epoch(), p.epochs(), bar, 100 * done, p.loss(), 100 * p.accuracy(), p.imagesPerSecond(), clock(p.secondsLeft()));
  }

  @Override
  public void epochEnded(EpochEnd end) {
    EpochResult r = end.result();
    epochSeconds += r.seconds();
    epochsTimed++;
    int remaining = r.epochs() - r.epoch();
    String left = remaining > 0 ? "  (" + clock(epochSeconds / epochsTimed * remaining) + " left)" : "";
    out.println((terminal && drawn ? "\r" : "") + r + left + (terminal ? "\033[K" : ""));
    out.flush();
    drawn = false;
  }

  @Override
  public void runEnded(List<EpochResult> history) {
    out.flush();
  }

  /** h:mm:ss or m:ss. */
  static String clock(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) return "-:--";
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
