package dev.hubel.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One page's queue: bounded, never blocking the publisher, and nothing lost in the end (a resync). */
class PageTest {

  @Test
  void queuesSmallUpdatesInOrderAndCoalescesBigOnes() throws Exception {
    Page p = new Page();
    p.push("a");
    p.due("inspection");
    p.push("b");
    p.due("inspection");
    p.due("confusion");
    Page.Work w = p.next(0);
    assertThat(w.frames()).containsExactly("a", "b");
    assertThat(w.latest()).containsExactly("inspection", "confusion");
    assertThat(w.resync()).isFalse();
    assertThat(p.next(0)).isEqualTo(new Page.Work(false, List.of(), Set.of(), false));
  }

  @Test
  void aPageThatFallsBehindIsResentTheWholeStateAndItsQueueStaysBounded() throws Exception {
    Page p = new Page();
    long start = System.nanoTime();
    for (int i = 0; i < 100_000; i++) p.push("frame " + i);
    assertThat((System.nanoTime() - start) / 1e6).as("ms to publish 100,000 updates to a page that never reads").isLessThan(2000);
    assertThat(p.queued()).isZero();
    assertThat(p.dropped()).isEqualTo(100_000);
    assertThat(p.next(0).resync()).isTrue();
    p.push("after");
    assertThat(p.next(0).frames()).containsExactly("after");
  }

  @Test
  void theQueueHoldsAtMostItsBound() throws Exception {
    Page p = new Page();
    for (int i = 0; i < Page.MAX_FRAMES; i++) p.push("f" + i);
    assertThat(p.queued()).isEqualTo(Page.MAX_FRAMES);
    assertThat(p.dropped()).isZero();
    p.push("one too many");
    assertThat(p.queued()).isZero();
    assertThat(p.dropped()).isEqualTo(Page.MAX_FRAMES + 1);
    assertThat(p.next(0).resync()).isTrue();
  }

  @Test
  void waitsForWorkAndWakesWhenClosed() throws Exception {
    Page p = new Page();
    long start = System.nanoTime();
    assertThat(p.next(50).frames()).as("nothing came: time for a heartbeat").isEmpty();
    assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(45);
    Thread closer = Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(50);
      } catch (InterruptedException ignored) {
        // closing anyway
      }
      p.close();
    });
    assertThat(p.next(10_000).closed()).isTrue();
    closer.join();
  }

  @Test
  void pagesAreBounded() {
    Pages pages = new Pages();
    for (int i = 0; i < Pages.MAX_PAGES; i++) assertThat(pages.open()).isNotNull();
    assertThat(pages.open()).isNull();
    pages.closed(pages.all().getFirst());
    assertThat(pages.open()).isNotNull();
  }
}
