package dev.hubel.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkerPoolTest {

  private static final int MAX_PIECES = 7;

  /**
   * Each job counts its pieces in its own array, checked only after all jobs have run, so a
   * late worker that ran a piece of an old job (or a piece past its end) would show up too.
   */
  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 2, 4})
  void everyPieceRunsExactlyOnce(int threads) {
    WorkerPool pool = new WorkerPool(threads);
    int jobs = 10_000;
    AtomicIntegerArray[] counts = new AtomicIntegerArray[jobs];
    int[] pieces = new int[jobs];
    for (int j = 0; j < jobs; j++) {
      int n = 1 + j % MAX_PIECES;
      pieces[j] = n;
      AtomicIntegerArray c = new AtomicIntegerArray(MAX_PIECES + 1);
      counts[j] = c;
      pool.run(n, piece -> c.incrementAndGet(Math.min(piece, MAX_PIECES)));
      for (int p = 0; p < n; p++) {
        if (c.get(p) != 1) throw new AssertionError("job " + j + " piece " + p + " ran " + c.get(p) + " times when run returned");
      }
    }
    for (int j = 0; j < jobs; j++) {
      for (int p = 0; p <= MAX_PIECES; p++) {
        int want = p < pieces[j] ? 1 : 0;
        if (counts[j].get(p) != want) {
          throw new AssertionError("job " + j + " (" + pieces[j] + " pieces): slot " + p + " ran " + counts[j].get(p) + " times");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} threads")
  @ValueSource(ints = {1, 3})
  void anExceptionInAPieceReachesTheCallerAndThePoolKeepsWorking(int threads) {
    WorkerPool pool = new WorkerPool(threads);
    for (int round = 0; round < 100; round++) {
      int bad = round % 5;
      AtomicIntegerArray ran = new AtomicIntegerArray(5);
      assertThatThrownBy(() -> pool.run(5, piece -> {
        ran.incrementAndGet(piece);
        if (piece == bad) throw new IllegalStateException("piece " + piece + " failed");
      })).isInstanceOf(IllegalStateException.class).hasMessage("piece " + bad + " failed");

      AtomicIntegerArray after = new AtomicIntegerArray(6);
      pool.run(6, after::incrementAndGet);
      for (int p = 0; p < 6; p++) assertThat(after.get(p)).as("piece %d after a failure", p).isEqualTo(1);
    }
  }

  @Test
  void errorsReachTheCallerToo() {
    WorkerPool pool = new WorkerPool(2);
    assertThatThrownBy(() -> pool.run(4, piece -> {
      if (piece == 3) throw new AssertionError("boom");
    })).isInstanceOf(AssertionError.class).hasMessage("boom");
    AtomicIntegerArray after = new AtomicIntegerArray(4);
    pool.run(4, after::incrementAndGet);
    for (int p = 0; p < 4; p++) assertThat(after.get(p)).isEqualTo(1);
  }

  @Test
  void balancedJobsHaveAFewPiecesAThreadButNoEmptyOnesAndOneOnASingleThread() {
    assertThat(new WorkerPool(2).balancedPieces(1000)).isEqualTo(8);
    assertThat(new WorkerPool(2).balancedPieces(5)).isEqualTo(5);
    assertThat(new WorkerPool(2).balancedPieces(0)).isEqualTo(1);
    assertThat(new WorkerPool(1).balancedPieces(1000)).isEqualTo(1);
    assertThat(new WorkerPool(3).balancedPieces(100)).isEqualTo(12);
  }
}
