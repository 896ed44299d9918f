package dev.hubel.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the benchmark says about the machine: how busy it is, and how much memory it took. */
public final class Machine {
  private Machine() {}

  /** The 1-minute load average, or NaN where /proc is missing. */
  public static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Busy and total jiffies of all CPUs from /proc/stat, or null. */
  private static long[] cpuTimes() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0, idle = 0;
      for (int i = 1; i < f.length; i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i == 4 || i == 5) idle += v;  // idle, iowait
      }
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The fraction of all CPUs busy over the next {@code millis} (with this process idle), or NaN. */
  public static double busyFraction(long millis) {
    long[] a = cpuTimes();
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long[] b = cpuTimes();
    if (a == null || b == null || b[1] == a[1]) return Double.NaN;
    return (double) (b[0] - a[0]) / (b[1] - a[1]);
  }

  /** A line on how idle the machine is before timing. */
  public static String idleReport() {
    double busy = busyFraction(1000), load = loadAverage();
    int cores = Runtime.getRuntime().availableProcessors();
    String verdict = busy < 0.1 ? "idle" : "NOT idle: other processes share the cores, absolute figures are low"
        + " (ratios taken in one run still compare)";
    return String.format(Locale.ROOT, "machine: %d cores, load average %.2f, %.0f%% of CPU time busy over 1 s before"
        + " timing: %s", cores, load, 100 * busy, verdict);
  }

  /** Peak resident memory of this process (VmHWM) in MiB, or NaN. */
  public static double peakRssMiB() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
      for (String l : lines) {
        if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("\\D+", "")) / 1024.0;
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return Double.NaN;
  }
}
