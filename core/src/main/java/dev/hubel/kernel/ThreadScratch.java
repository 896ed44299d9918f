package dev.hubel.kernel;

/**
 * A scratch array per thread, for work handed out piece by piece to whichever thread is free
 * (so that a piece cannot own scratch by its number). Grows only, so a warmed-up thread
 * allocates nothing. What is written there must not outlive the piece that wrote it.
 */
public final class ThreadScratch {
  private static final ThreadLocal<ThreadScratch> PER_THREAD = ThreadLocal.withInitial(ThreadScratch::new);

  private float[] floats = new float[0];
  private int[] ints = new int[0];
  private final Epilogue epilogue = new Epilogue();

  private ThreadScratch() {}

  /** This thread's scratch of at least {@code size} floats (contents undefined). */
  public static float[] floats(int size) {
    ThreadScratch s = PER_THREAD.get();
    if (s.floats.length < size) s.floats = new float[size];
    return s.floats;
  }

  /** This thread's scratch of at least {@code size} ints (contents undefined), apart from its floats. */
  public static int[] ints(int size) {
    ThreadScratch s = PER_THREAD.get();
    if (s.ints.length < size) s.ints = new int[size];
    return s.ints;
  }

  /** This thread's epilogue, for a product that a piece sets up and runs (its settings undefined until set). */
  public static Epilogue epilogue() {
    return PER_THREAD.get().epilogue;
  }
}
