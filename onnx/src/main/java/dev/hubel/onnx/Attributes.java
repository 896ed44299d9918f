package dev.hubel.onnx;

import dev.hubel.onnx.proto.OnnxProto.AttributeProto;
import dev.hubel.onnx.proto.OnnxProto.AttributeProto.AttributeType;
import dev.hubel.onnx.proto.OnnxProto.NodeProto;
import dev.hubel.onnx.proto.OnnxProto.TensorProto;
import java.util.HashMap;
import java.util.Map;

/** A node's attributes by name, typed, with errors that name the node and the attribute. */
final class Attributes {
  private final Map<String, AttributeProto> byName = new HashMap<>();
  private final String where;

  Attributes(NodeProto node, String where) {
    this.where = where;
    for (AttributeProto a : node.getAttributeList()) byName.put(a.getName(), a);
  }

  boolean has(String name) {
    return byName.containsKey(name);
  }

  private AttributeProto get(String name, AttributeType type) {
    AttributeProto a = byName.get(name);
    if (a == null) return null;
    // IR version 1 files leave the type out; the value that is set says what it is
    if (a.hasType() && a.getType() != type) {
      throw new OnnxException(where + ": attribute '" + name + "' is " + a.getType() + "; expected " + type);
    }
    return a;
  }

  long i(String name, long absent) {
    AttributeProto a = get(name, AttributeType.INT);
    return a == null ? absent : a.getI();
  }

  /** A whole-number attribute that must fit an int and lie in [min, max]. */
  int i(String name, int absent, int min, int max) {
    long v = i(name, absent);
    if (v < min || v > max) throw new OnnxException(where + ": attribute '" + name + "' is " + v + "; expected " + min + " to " + max);
    return (int) v;
  }

  float f(String name, float absent) {
    AttributeProto a = get(name, AttributeType.FLOAT);
    return a == null ? absent : a.getF();
  }

  String s(String name, String absent) {
    AttributeProto a = get(name, AttributeType.STRING);
    return a == null ? absent : a.getS().toStringUtf8();
  }

  /** A list of whole numbers, each in [min, max]; null when absent. */
  long[] ints(String name, long min, long max) {
    AttributeProto a = get(name, AttributeType.INTS);
    if (a == null) return null;
    long[] v = new long[a.getIntsCount()];
    for (int k = 0; k < v.length; k++) {
      v[k] = a.getInts(k);
      if (v[k] < min || v[k] > max) {
        throw new OnnxException(where + ": attribute '" + name + "' " + a.getIntsList() + " has " + v[k] + "; expected values from " + min + " to " + max);
      }
    }
    return v;
  }

  float[] floats(String name) {
    AttributeProto a = get(name, AttributeType.FLOATS);
    if (a == null) return null;
    float[] v = new float[a.getFloatsCount()];
    for (int k = 0; k < v.length; k++) v[k] = a.getFloats(k);
    return v;
  }

  TensorProto t(String name) {
    AttributeProto a = get(name, AttributeType.TENSOR);
    return a == null ? null : a.getT();
  }
}
