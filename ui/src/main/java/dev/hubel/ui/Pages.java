package dev.hubel.ui;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every open page: what training publishes goes to each one's own bounded queue. */
final class Pages {
  /** Pages open at once; one more is refused (a page left open in many tabs should not hold many threads). */
  static final int MAX_PAGES = 16;

  private final List<Page> open = new CopyOnWriteArrayList<>();

  /** A new page's queue, or null when {@link #MAX_PAGES} are open. */
  synchronized Page open() {
    if (open.size() >= MAX_PAGES) return null;
    Page p = new Page();
    open.add(p);
    return p;
  }

  void closed(Page p) {
    open.remove(p);
    p.close();
  }

  boolean any() {
    return !open.isEmpty();
  }

  List<Page> all() {
    return List.copyOf(open);
  }

  /** An SSE frame for every page. */
  void push(String event, String json) {
    String frame = "event: " + event + "\ndata: " + json + "\n\n";
    for (Page p : open) p.push(frame);
  }

  void due(String kind) {
    for (Page p : open) p.due(kind);
  }

  void resync() {
    for (Page p : open) p.resync();
  }

  void closeAll() {
    for (Page p : open) closed(p);
  }
}
