package dev.hubel.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;

/** JSON values and JSON errors put into words short enough for an error message. */
final class JsonText {
  private JsonText() {}

  /** A value cut short: a damaged header can be megabytes long. */
  static String brief(JsonNode v) {
    if (v == null) return "nothing";
    String s = v.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  /** Jackson's complaint without its note on hidden sources, with where it happened. */
  static String problem(JacksonException e) {
    String what = e.getOriginalMessage().replace("Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ", "");
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 1 ? what : what + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }
}
