package dev.hubel.train;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.DoublePredicate;

/**
 * Reads a JSON object field by field and refuses, with the key, the value and what is allowed,
 * anything a recipe should not hold: a key it does not know, a value of the wrong type or outside
 * its range, a key given twice.
 */
final class StrictJson {
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  private final String source;

  StrictJson(String source) {
    this.source = source;
  }

  /** The whole text as an object with the keys given. */
  Obj root(String json, List<String> keys) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new RecipeException(source, "", "is not valid JSON: " + problem(e), e);
    }
    if (node == null || !node.isObject()) {
      throw new RecipeException(source, "", "a recipe is a JSON object ({\"model\": ..., \"data\": ..., ...}); received " + brief(node));
    }
    return new Obj(node, "", keys);
  }

  RecipeException refuse(String key, JsonNode value, String allowed) {
    return new RecipeException(source, key, key + " is " + brief(value) + "; it must be " + allowed);
  }

  RecipeException refuse(String key, String problem) {
    return new RecipeException(source, key, key + ": " + problem);
  }

  static String brief(JsonNode v) {
    if (v == null || v.isMissingNode()) return "missing";
    String s = v.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  private static String problem(JacksonException e) {
    String what = e.getOriginalMessage().replace("Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ", "");
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 1 ? what : what + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  /** One JSON object of the recipe, at {@code path} ("" at the top), holding only {@code keys}. */
  final class Obj {
    final JsonNode node;
    final String path;

    Obj(JsonNode node, String path, List<String> keys) {
      this(node, path, keys, path.isEmpty() ? "a recipe" : path, false);
    }

    /**
     * {@code what}: the object in messages ("the sgd optimizer"); {@code peek}: read one key (the
     * name that decides which keys are allowed) before the keys are checked.
     */
    private Obj(JsonNode node, String path, List<String> keys, String what, boolean peek) {
      this.node = node;
      this.path = path;
      if (peek) return;
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String k = names.next();
        if (!keys.contains(k)) {
          throw new RecipeException(source, key(k), key(k) + " is not a setting of " + what
              + " (its value is " + brief(node.get(k)) + "); the settings are " + String.join(", ", keys));
        }
      }
    }

    String key(String k) {
      return path.isEmpty() ? k : path + "." + k;
    }

    boolean has(String k) {
      return node.has(k) && !node.get(k).isNull();
    }

    JsonNode get(String k) {
      return node.get(k);
    }

    RecipeException refuse(String k, String allowed) {
      return StrictJson.this.refuse(key(k), node.get(k), allowed);
    }

    /** A required value is missing: said as what it must be. */
    RecipeException missing(String k, String allowed) {
      return new RecipeException(source, key(k), key(k) + " is missing; it must be " + allowed);
    }

    String text(String k, String otherwise) {
      if (!has(k)) return otherwise;
      JsonNode v = node.get(k);
      if (!v.isTextual() || v.asText().isBlank()) throw refuse(k, "text");
      return v.asText();
    }

    String requiredText(String k, String allowed) {
      if (!has(k)) throw missing(k, allowed);
      JsonNode v = node.get(k);
      if (!v.isTextual() || v.asText().isBlank()) throw refuse(k, allowed);
      return v.asText();
    }

    /** One of {@code choices}, as written. */
    String choice(String k, List<String> choices, String otherwise) {
      String allowed = "one of " + String.join(", ", choices);
      if (!has(k)) {
        if (otherwise == null) throw missing(k, allowed);
        return otherwise;
      }
      JsonNode v = node.get(k);
      if (!v.isTextual() || !choices.contains(v.asText())) throw refuse(k, allowed);
      return v.asText();
    }

    boolean bool(String k, boolean otherwise) {
      if (!has(k)) return otherwise;
      JsonNode v = node.get(k);
      if (!v.isBoolean()) throw refuse(k, "true or false");
      return v.asBoolean();
    }

    /** A whole number of at least {@code min}; {@code otherwise} null: required. */
    int integer(String k, Integer otherwise, int min) {
      String allowed = "a whole number, " + min + " or more";
      if (!has(k)) {
        if (otherwise == null) throw missing(k, allowed);
        return otherwise;
      }
      JsonNode v = node.get(k);
      if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min) throw refuse(k, allowed);
      return v.asInt();
    }

    long whole(String k, long otherwise) {
      if (!has(k)) return otherwise;
      JsonNode v = node.get(k);
      if (!v.isIntegralNumber() || !v.canConvertToLong()) throw refuse(k, "a whole number");
      return v.asLong();
    }

    /** A number for which {@code ok} holds, {@code allowed} saying which; {@code otherwise} null: required. */
    double number(String k, Double otherwise, DoublePredicate ok, String allowed) {
      if (!has(k)) {
        if (otherwise == null) throw missing(k, allowed);
        return otherwise;
      }
      JsonNode v = node.get(k);
      if (!v.isNumber() || !ok.test(v.asDouble()) || !Double.isFinite(v.asDouble())) throw refuse(k, allowed);
      return v.asDouble();
    }

    float fraction(String k, double otherwise, boolean closedAbove) {
      return (float) number(k, otherwise, x -> x >= 0 && (closedAbove ? x <= 1 : x < 1), closedAbove ? "a number in [0, 1]" : "a number in [0, 1)");
    }

    /** Whole numbers of at least 1, increasing. */
    List<Integer> increasing(String k) {
      String allowed = "a list of epochs, whole numbers from 1 up, each above the one before, e.g. [30, 60]";
      if (!has(k)) throw missing(k, allowed);
      JsonNode v = node.get(k);
      if (!v.isArray() || v.isEmpty()) throw refuse(k, allowed);
      List<Integer> out = new ArrayList<>();
      for (JsonNode e : v) {
        if (!e.isIntegralNumber() || !e.canConvertToInt() || e.asInt() < 1 || (!out.isEmpty() && e.asInt() <= out.getLast())) {
          throw refuse(k, allowed);
        }
        out.add(e.asInt());
      }
      return out;
    }

    /** The nested object {@code k}, its keys not checked yet: to read its name first. */
    Obj peek(String k) {
      return new Obj(node.get(k), key(k), List.of(), "", true);
    }

    /** A nested object with its keys; null when absent. */
    Obj obj(String k, List<String> keys) {
      return obj(k, keys, key(k));
    }

    /** The same, called {@code what} in messages. */
    Obj obj(String k, List<String> keys, String what) {
      if (!has(k)) return null;
      JsonNode v = node.get(k);
      if (!v.isObject()) throw refuse(k, "an object {...} with the settings " + String.join(", ", keys));
      return new Obj(v, key(k), keys, what, false);
    }
  }
}
