package dev.hubel.cli.bench;

import dev.hubel.kernel.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's single-precision FMA peak as Java reaches it: independent chains of vector fmas
 * of the widest preferred width, enough of them to hide the fma latency, on one thread and on all
 * of the pool's. Only loaded when the Vector API is present.
 */
final class FmaPeak {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int ITERATIONS = 20_000_000, WARM_UP_ITERATIONS = 2_000;
  private static final float[] SINK = new float[64 * S.length()];

  private FmaPeak() {}

  /** GFLOP/s on {@code threads} pieces of the pool at once, best of three. */
  static double gflops(WorkerPool pool, int threads) {
    // Compiled by C2 before timing: the interpreter's vectors are objects, a hundred times slower.
    for (int i = 0; i < 20_000; i++) chains(0, WARM_UP_ITERATIONS);
    double best = 0;
    for (int round = 0; round < 3; round++) {
      long t = System.nanoTime();
      pool.run(threads, piece -> chains(piece, ITERATIONS));
      double seconds = (System.nanoTime() - t) / 1e9;
      best = Math.max(best, threads * 2.0 * 12 * S.length() * ITERATIONS / seconds / 1e9);
    }
    return best;
  }

  private static void chains(int piece, int iterations) {
    FloatVector m = FloatVector.broadcast(S, 0.999999f), add = FloatVector.broadcast(S, 1e-7f);
    FloatVector a0 = FloatVector.broadcast(S, (float) piece), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
    for (int i = 0; i < iterations; i++) {
      a0 = a0.fma(m, add); a1 = a1.fma(m, add); a2 = a2.fma(m, add); a3 = a3.fma(m, add);
      a4 = a4.fma(m, add); a5 = a5.fma(m, add); a6 = a6.fma(m, add); a7 = a7.fma(m, add);
      a8 = a8.fma(m, add); a9 = a9.fma(m, add); a10 = a10.fma(m, add); a11 = a11.fma(m, add);
    }
    // Keeps the chains alive past the JIT's dead-code elimination.
    a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
        .intoArray(SINK, (piece % 64) * S.length());
  }
}
