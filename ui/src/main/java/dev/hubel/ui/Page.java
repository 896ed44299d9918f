package dev.hubel.ui;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One open page's updates, waiting to be written to it. Training only ever adds here and never
 * waits for the page: small updates queue up to {@link #MAX_FRAMES}; past that the queue is
 * dropped and the page is sent the whole state instead when it catches up ("resync"), so a slow
 * page costs a bounded amount of memory and misses nothing in the end. Big updates (pictures)
 * are not queued at all: the page is marked as due for the newest one, whatever came in between.
 */
final class Page {
  static final int MAX_FRAMES = 256;

  /** What to write next: the whole state, or these frames and the newest of these kinds. */
  record Work(boolean resync, List<String> frames, Set<String> latest, boolean closed) {}

  private final ArrayDeque<String> frames = new ArrayDeque<>();
  private final Set<String> latest = new LinkedHashSet<>();
  private boolean resync;
  private boolean closed;
  private long dropped;

  /** Queues a small update (an SSE frame); drops the queue in favour of a resync when it is full. */
  synchronized void push(String frame) {
    if (closed) return;
    if (resync) {  // the whole state is due anyway, and will hold this update
      dropped++;
      return;
    }
    if (frames.size() >= MAX_FRAMES) {
      dropped += frames.size() + 1;
      frames.clear();
      latest.clear();
      resync = true;
    } else {
      frames.add(frame);
    }
    notifyAll();
  }

  /** Marks the newest update of {@code kind} as due. */
  synchronized void due(String kind) {
    if (closed || resync) return;
    latest.add(kind);
    notifyAll();
  }

  synchronized void resync() {
    frames.clear();
    latest.clear();
    resync = true;
    notifyAll();
  }

  synchronized void close() {
    closed = true;
    notifyAll();
  }

  /** Waits up to {@code millis} for work; an empty Work means nothing came (time for a heartbeat). */
  synchronized Work next(long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    for (long left = millis; !closed && !resync && frames.isEmpty() && latest.isEmpty() && left > 0;
         left = end - System.currentTimeMillis()) {
      wait(left);
    }
    if (closed) return new Work(false, List.of(), Set.of(), true);
    if (resync) {
      resync = false;
      return new Work(true, List.of(), Set.of(), false);
    }
    Work w = new Work(false, new ArrayList<>(frames), new LinkedHashSet<>(latest), false);
    frames.clear();
    latest.clear();
    return w;
  }

  /** Updates dropped for this page because it did not keep up. */
  synchronized long dropped() {
    return dropped;
  }

  /** Whether the whole state is due and not yet taken by the page's writer. */
  synchronized boolean resyncDue() {
    return resync;
  }

  synchronized int queued() {
    return frames.size();
  }
}
