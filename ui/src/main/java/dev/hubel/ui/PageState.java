package dev.hubel.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.ui.Views.Epoch;
import dev.hubel.ui.Views.Layer;
import dev.hubel.ui.Views.Point;
import dev.hubel.ui.Views.Run;
import dev.hubel.ui.Views.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a page shows, as it is now: what a page gets when it opens (or falls behind), and
 * what the updates are made from. Written by the training, inspector and request threads; each
 * method holds the lock only to copy or to add.
 */
final class PageState {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Training points kept; past it every other one is dropped, so a long run's curve keeps its shape in bounded memory. */
  static final int MAX_POINTS = 4000;

  private Run run;
  private List<Layer> layers = List.of();
  private Status status = new Status("waiting", 0, 0, 0, 0, 0, null, null, null, "waiting for training to start");
  private final List<Point> points = new ArrayList<>();
  private final List<Epoch> epochs = new ArrayList<>();
  private String inspection;  // JSON, written once per inspection and shared by every page
  private String confusion;

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  synchronized void run(Run r, List<Layer> table) {
    this.run = r;
    this.layers = List.copyOf(table);
  }

  synchronized Run run() {
    return run;
  }

  synchronized void status(Status s) {
    this.status = s;
  }

  synchronized Status status() {
    return status;
  }

  synchronized void point(Point p) {
    if (points.size() >= MAX_POINTS) {
      List<Point> kept = new ArrayList<>();
      for (int i = 0; i < points.size(); i += 2) kept.add(points.get(i));
      points.clear();
      points.addAll(kept);
    }
    points.add(p);
  }

  synchronized int pointCount() {
    return points.size();
  }

  synchronized void epoch(Epoch e) {
    epochs.removeIf(old -> old.epoch() >= e.epoch());
    epochs.add(e);
  }

  synchronized void epochs(List<Epoch> all) {
    epochs.clear();
    epochs.addAll(all);
  }

  synchronized void inspection(String json) {
    this.inspection = json;
  }

  synchronized String inspection() {
    return inspection;
  }

  synchronized void confusion(String json) {
    this.confusion = json;
  }

  synchronized String confusion() {
    return confusion;
  }

  /** The whole state as one JSON object: {run, layers, status, points, epochs, inspection, confusion}. */
  String full() {
    Map<String, Object> m = new LinkedHashMap<>();
    String insp, conf;
    synchronized (this) {
      m.put("run", run);
      m.put("layers", layers);
      m.put("status", status);
      m.put("points", List.copyOf(points));
      m.put("epochs", List.copyOf(epochs));
      insp = inspection;
      conf = confusion;
    }
    String body = json(m);
    // The pictures are JSON already: spliced in rather than parsed and written again.
    return body.substring(0, body.length() - 1) + ",\"inspection\":" + (insp == null ? "null" : insp)
        + ",\"confusion\":" + (conf == null ? "null" : conf) + "}";
  }
}
