package dev.hubel.onnx;

import dev.hubel.model.Layers;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.model.Normalization;
import dev.hubel.onnx.proto.OnnxProto.GraphProto;
import dev.hubel.onnx.proto.OnnxProto.NodeProto;
import dev.hubel.onnx.proto.OnnxProto.TensorProto;
import dev.hubel.onnx.proto.OnnxProto.TensorShapeProto;
import dev.hubel.onnx.proto.OnnxProto.TypeProto;
import dev.hubel.onnx.proto.OnnxProto.ValueInfoProto;
import dev.hubel.op.Fit;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One ONNX graph read into a Hubel model: each node becomes the {@link Layers} call that computes
 * the same (a Conv a conv2d, a Gemm a dense layer, ...), constants are folded as they come, and the
 * weights are copied into the model's parameters, converted where Hubel keeps them otherwise
 * (a MatMul's weight transposed, a BatchNormalization's epsilon folded into its scale).
 *
 * <p>What Hubel cannot compute the same way is refused with the node, the reason, and what would
 * work; an operator it does not know is refused with the list of those it does.
 */
final class GraphReader {
  /** The operators read, in the default ONNX domain. */
  static final Set<String> SUPPORTED = new TreeSet<>(List.of(
      "Add", "AveragePool", "BatchNormalization", "Cast", "Concat", "Constant", "ConstantOfShape", "Conv", "Div",
      "Dropout", "Flatten", "Gather", "Gemm", "GlobalAveragePool", "GlobalMaxPool", "Identity", "LRN", "LogSoftmax",
      "MatMul", "MaxPool", "Mul", "Pad", "ReduceMax", "Relu", "Reshape", "Shape", "Slice", "Softmax", "Squeeze", "Sub",
      "Transpose", "Unsqueeze"));

  /** Window sizes, strides and pads beyond this are refused (they would only come from a damaged file). */
  static final int MAX_WINDOW = 1 << 16;
  /** The most values one example of any tensor may hold. */
  static final long MAX_EXAMPLE = 1L << 28;

  private static final float HUBEL_BN_EPS = dev.hubel.op.BatchNorm.EPS;

  private final String source;
  private final Path folder;
  private final GraphProto graph;
  private final int opset;
  private final Shape inputOverride;
  private final Map<String, Value> values = new HashMap<>();
  private final Map<String, List<Integer>> consumers = new HashMap<>();
  private final Set<Integer> absorbed = new HashSet<>();
  private final Map<Node, float[][]> weights = new IdentityHashMap<>();
  /** Zero padding of height and width that a Pad node leaves to the Conv or AveragePool that reads it: [top, left, bottom, right]. */
  private final Map<String, long[]> padsForNext = new HashMap<>();
  private final String outputName;
  private Node input;
  private String inputName;
  private float[] mean, std;
  private boolean softmaxLeftOut;

  GraphReader(String source, Path folder, GraphProto graph, int opset, Shape inputOverride) {
    this.source = source;
    this.folder = folder;
    this.graph = graph;
    this.opset = opset;
    this.inputOverride = inputOverride;
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto n = graph.getNode(i);
      if (n.getOutputCount() == 0 || n.getOutput(0).isEmpty()) {
        throw new OnnxException(source + ": node " + i + " '" + n.getName() + "' (" + n.getOpType() + ") has no output");
      }
      for (String in : n.getInputList()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
    }
    if (graph.getOutputCount() != 1) {
      throw new OnnxException(source + ": the graph has " + graph.getOutputCount() + " outputs; Hubel reads models with one output (the scores)");
    }
    outputName = graph.getOutput(0).getName();
    consumers.computeIfAbsent(outputName, k -> new ArrayList<>()).add(-1);
  }

  /** Whether the model's last Softmax was left out (Hubel's models output scores; predict applies the softmax). */
  boolean softmaxLeftOut() {
    return softmaxLeftOut;
  }

  Model read(String name) {
    Set<String> initializers = new HashSet<>();
    for (TensorProto t : graph.getInitializerList()) {
      String where = source + ": initializer '" + t.getName() + "'";
      if (!initializers.add(t.getName())) throw new OnnxException(where + " is defined twice");
      values.put(t.getName(), TensorData.read(t, folder, where));
    }
    List<ValueInfoProto> inputs = graph.getInputList().stream().filter(v -> !initializers.contains(v.getName())).toList();
    if (inputs.size() != 1) {
      throw new OnnxException(source + ": the graph has " + inputs.size() + " inputs besides its initializers ("
          + String.join(", ", inputs.stream().map(ValueInfoProto::getName).toList()) + "); Hubel reads models with one input");
    }
    inputName = inputs.get(0).getName();
    int[] dims = inputShape(inputs.get(0));
    input = layer(source + ": input '" + inputName + "'", () -> Layers.input(new Shape(dims)));
    values.put(inputName, new Activation(input, dims));

    for (int i = 0; i < graph.getNodeCount(); i++) {
      if (absorbed.contains(i)) continue;
      NodeProto n = graph.getNode(i);
      String where = source + ": node " + i + " '" + n.getName() + "' (" + n.getOpType() + ")";
      if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
        throw new OnnxException(where + ": operator " + n.getDomain() + "." + n.getOpType() + " is not supported; Hubel reads these of the default domain: "
            + String.join(", ", SUPPORTED));
      }
      read(i, n, where);
    }
    Value out = values.get(outputName);
    if (!(out instanceof Activation a)) {
      throw new OnnxException(source + ": the graph's output '" + outputName + "' is " + (out == null ? "never computed" : "a constant")
          + "; expected the scores the model computes from its input");
    }
    if (a.node() == input) throw new OnnxException(source + ": the graph's output is its input; there is no model to read");
    Model model = Model.of(name, a.node());
    fill(model);
    if (mean != null || std != null) {
      int c = mean != null ? mean.length : std.length;
      if (mean == null) mean = new float[c];
      if (std == null) {
        std = new float[c];
        Arrays.fill(std, 1f);
      }
      try {
        model.setNormalization(new Normalization(mean, std));
      } catch (IllegalArgumentException e) {
        throw new OnnxException(source + ": the input's normalisation (Sub and Div by per-channel constants) does not fit: " + e.getMessage(), e);
      }
    }
    return model;
  }

  // ---- the graph's input ----

  private int[] inputShape(ValueInfoProto v) {
    String where = source + ": input '" + v.getName() + "'";
    if (inputOverride != null) return checkExample(inputOverride.dims(), where);
    TypeProto t = v.getType();
    if (!t.hasTensorType()) throw new OnnxException(where + " is not a tensor");
    int elem = t.getTensorType().getElemType();
    TensorProto.DataType type = TensorProto.DataType.forNumber(elem);
    if (type != TensorProto.DataType.FLOAT && type != TensorProto.DataType.DOUBLE && type != TensorProto.DataType.INT64
        && type != TensorProto.DataType.INT32) {
      throw new OnnxException(where + " is of type " + (type == null ? elem : type) + "; Hubel's models take FLOAT inputs (whole numbers, such as token ids, as floats too)");
    }
    if (!t.getTensorType().hasShape()) throw new OnnxException(where + " has no shape; give the input's shape when loading (OnnxImport.load(file, shape))");
    TensorShapeProto shape = t.getTensorType().getShape();
    if (shape.getDimCount() < 2 || shape.getDimCount() > 4) {
      throw new OnnxException(where + " has rank " + shape.getDimCount() + "; Hubel reads inputs of rank 2 to 4: a batch of vectors, sequences or CxHxW images");
    }
    int[] dims = new int[shape.getDimCount() - 1];
    for (int i = 1; i < shape.getDimCount(); i++) {
      TensorShapeProto.Dimension d = shape.getDim(i);
      if (!d.hasDimValue()) {
        throw new OnnxException(where + ": dimension " + i + " is '" + d.getDimParam() + "', not a number; Hubel builds for a fixed input size:"
            + " give one when loading (OnnxImport.load(file, shape))");
      }
      if (d.getDimValue() < 1 || d.getDimValue() > MAX_EXAMPLE) throw new OnnxException(where + ": dimension " + i + " is " + d.getDimValue());
      dims[i - 1] = (int) d.getDimValue();
    }
    return checkExample(dims, where);
  }

  private static int[] checkExample(int[] dims, String where) {
    long n = 1;
    for (int d : dims) {
      n *= d;
      if (d < 1 || n > MAX_EXAMPLE) {
        throw new OnnxException(where + ": shape " + Arrays.toString(dims) + " is not one Hubel builds: each dimension at least 1, at most "
            + MAX_EXAMPLE + " values in all");
      }
    }
    return dims;
  }

  // ---- one node ----

  private void read(int index, NodeProto n, String where) {
    Attributes at = new Attributes(n, where);
    switch (n.getOpType()) {
      case "Constant" -> put(n, constantAttribute(at, where));
      case "Identity" -> put(n, in(n, 0, where));
      case "Cast" -> put(n, cast(in(n, 0, where), at, where));
      case "Shape" -> put(n, shapeOf(in(n, 0, where), at, where));
      case "ConstantOfShape" -> {
        TensorProto v = at.t("value");
        put(n, ConstantFolding.constantOfShape(constant(n, 0, where), v == null ? null : TensorData.read(v, folder, where + " value"), where));
      }
      case "Gather" -> gather(index, n, at, where);
      case "Unsqueeze", "Squeeze" -> squeezeOrUnsqueeze(n, at, where);
      case "Concat" -> concat(n, at, where);
      case "Slice" -> slice(n, at, where);
      case "Reshape" -> reshape(n, at, where);
      case "Flatten" -> flatten(n, at, where);
      case "Transpose" -> {
        Value v = in(n, 0, where);
        if (!(v instanceof Constant c)) {
          throw new OnnxException(where + ": Transpose of an activation; Hubel keeps activations channels first (NCHW) and transposes only"
              + " constants and an embedding's output (Gather from a table, then Transpose [0, 2, 1])");
        }
        put(n, ConstantFolding.transpose(c, at.ints("perm", Integer.MIN_VALUE, Integer.MAX_VALUE), where));
      }
      case "Add", "Sub", "Mul", "Div" -> arithmetic(n, where);
      case "Relu" -> {
        Activation a = act(n, 0, where);
        put(n, new Activation(layer(where, () -> Layers.relu(a.node())), a.dims()));
      }
      case "Dropout" -> dropout(n, at, where);
      case "Conv" -> conv(n, at, where);
      case "MaxPool", "AveragePool" -> pool(n, at, where);
      case "GlobalAveragePool" -> {
        Node x = volume(act(n, 0, where), where);
        put(n, activation(where, () -> Layers.globalAvgPool(x)));
      }
      case "GlobalMaxPool" -> globalMax(n, where);
      case "ReduceMax" -> reduceMax(n, at, where);
      case "LRN" -> lrn(n, at, where);
      case "BatchNormalization" -> batchNorm(n, at, where);
      case "Gemm" -> gemm(n, at, where);
      case "MatMul" -> matMul(index, n, where);
      case "Pad" -> pad(n, at, where);
      case "Softmax", "LogSoftmax" -> softmax(n, at, where);
      default -> throw new OnnxException(where + ": operator " + n.getOpType() + " is not supported; Hubel reads: " + String.join(", ", SUPPORTED));
    }
  }

  // ---- inputs and outputs of a node ----

  private Value in(NodeProto n, int i, String where) {
    if (i >= n.getInputCount() || n.getInput(i).isEmpty()) return null;
    String name = n.getInput(i);
    Value v = values.get(name);
    if (v == null) {
      throw new OnnxException(where + ": input '" + name + "' is not the graph's input, an initializer, or the output of an earlier node"
          + " (ONNX lists nodes in the order they run)");
    }
    return v;
  }

  private Activation act(NodeProto n, int i, String where) {
    Value v = in(n, i, where);
    if (v instanceof Activation a) return a;
    if (v == null) throw new OnnxException(where + ": needs input " + i + ", which is missing");
    throw new OnnxException(where + ": input " + i + " ('" + n.getInput(i) + "') is a " + ((Constant) v).describe()
        + "; Hubel computes this operator on the model's activations only");
  }

  private Constant constant(NodeProto n, int i, String where) {
    Value v = in(n, i, where);
    if (v instanceof Constant c) return c;
    if (v == null) throw new OnnxException(where + ": needs input " + i + ", which is missing");
    throw new OnnxException(where + ": input " + i + " ('" + n.getInput(i) + "') is computed from the model's input; Hubel needs it to be"
        + " a constant (an initializer, or shape arithmetic it can fold)");
  }

  private float[] floats(NodeProto n, int i, String where, int... dims) {
    Constant c = constant(n, i, where);
    if (!c.isFloat()) throw new OnnxException(where + ": input " + i + " ('" + n.getInput(i) + "') holds whole numbers; expected float weights");
    if (dims.length > 0 && !Arrays.equals(c.dims(), dims)) {
      throw new OnnxException(where + ": input " + i + " ('" + n.getInput(i) + "') has shape " + Arrays.toString(c.dims()) + "; expected "
          + Arrays.toString(dims));
    }
    return c.floats();
  }

  private void put(NodeProto n, Value v) {
    onlyFirstOutput(n);
    values.put(n.getOutput(0), v);
  }

  /** Dropout's mask, MaxPool's indices and BatchNormalization's running statistics are training outputs Hubel does not give. */
  private void onlyFirstOutput(NodeProto n) {
    for (int k = 1; k < n.getOutputCount(); k++) {
      String o = n.getOutput(k);
      if (!o.isEmpty() && consumers.containsKey(o)) {
        throw new OnnxException(source + ": node '" + n.getName() + "' (" + n.getOpType() + "): its output " + k + " ('" + o
            + "') is used; Hubel gives only the first output of this operator");
      }
    }
  }

  private Node volume(Activation a, String where) {
    if (a.dims().length != 3 || a.isView()) {
      throw new OnnxException(where + ": needs a batch of CxHxW images (rank 4), received an " + a.describe()
          + (a.isView() ? " that Hubel holds as [" + a.node().shape() + "] (a reshape it cannot follow)" : ""));
    }
    return a.node();
  }

  private Node sequence(Activation a, String where) {
    if (a.dims().length != 2 || a.isView()) {
      throw new OnnxException(where + ": needs a batch of sequences (N, C, L), received an " + a.describe());
    }
    return a.node();
  }

  /** Runs a {@link Layers} call; its shape errors become this file's errors, naming the node. */
  private Node layer(String where, Supplier<Node> build) {
    Node node;
    try {
      node = build.get();
    } catch (IllegalArgumentException e) {  // ShapeException too
      throw new OnnxException(where + ": " + e.getMessage(), e);
    }
    long size = 1;
    for (int d : node.shape().dims()) size *= d;
    if (size > MAX_EXAMPLE) throw new OnnxException(where + ": its output, [" + node.shape() + "] per example, is larger than Hubel builds (" + MAX_EXAMPLE + " values)");
    return node;
  }

  private Activation activation(String where, Supplier<Node> build) {
    Node node = layer(where, build);
    return new Activation(node, node.shape().dims());
  }

  private Activation withWeights(String where, Supplier<Node> build, float[]... params) {
    Activation a = activation(where, build);
    weights.put(a.node(), params);
    return a;
  }

  private int singleConsumer(String name) {
    List<Integer> c = consumers.get(name);
    return c != null && c.size() == 1 ? c.get(0) : -1;
  }

  // ---- constants and shape arithmetic ----

  private Constant constantAttribute(Attributes at, String where) {
    if (at.t("value") != null) return TensorData.read(at.t("value"), folder, where + " value");
    if (at.has("value_float")) return Constant.floats(new int[0], new float[] {at.f("value_float", 0)});
    if (at.has("value_int")) return Constant.longs(new int[0], new long[] {at.i("value_int", 0)});
    if (at.has("value_floats")) {
      float[] f = at.floats("value_floats");
      return Constant.floats(new int[] {f.length}, f);
    }
    if (at.has("value_ints")) {
      long[] l = at.ints("value_ints", Long.MIN_VALUE, Long.MAX_VALUE);
      return Constant.longs(new int[] {l.length}, l);
    }
    throw new OnnxException(where + ": a Constant with none of value, value_float(s), value_int(s); sparse and string constants are not supported");
  }

  private Value cast(Value v, Attributes at, String where) {
    long to = at.i("to", 0);
    TensorProto.DataType type = TensorProto.DataType.forNumber(Math.clamp(to, -1, Integer.MAX_VALUE));
    boolean toFloat = type == TensorProto.DataType.FLOAT || type == TensorProto.DataType.DOUBLE || type == TensorProto.DataType.FLOAT16;
    boolean toInt = type == TensorProto.DataType.INT64 || type == TensorProto.DataType.INT32 || type == TensorProto.DataType.INT16
        || type == TensorProto.DataType.INT8 || type == TensorProto.DataType.UINT8;
    if (!toFloat && !toInt) throw new OnnxException(where + ": Cast to " + (type == null ? "type " + to : type) + " is not supported");
    if (v instanceof Constant c) return toFloat ? Constant.floats(c.dims(), c.asFloats(where)) : Constant.longs(c.dims(), c.asLongs());
    // Hubel computes in floats; a cast of whole numbers (token ids before a Gather) changes nothing
    return v;
  }

  private Constant shapeOf(Value v, Attributes at, String where) {
    long[] full;
    if (v instanceof Activation a) {
      full = new long[a.dims().length + 1];
      full[0] = Constant.BATCH;
      for (int i = 0; i < a.dims().length; i++) full[i + 1] = a.dims()[i];
    } else {
      Constant c = (Constant) v;
      full = Arrays.stream(c.dims()).asLongStream().toArray();
    }
    int r = full.length;
    long start = at.i("start", 0), end = at.i("end", r);
    start = Math.clamp(start < 0 ? start + r : start, 0, r);
    end = Math.clamp(end < 0 ? end + r : end, 0, r);
    long[] part = Arrays.copyOfRange(full, (int) start, (int) Math.max(start, end));
    return Constant.longs(new int[] {part.length}, part);
  }

  private long[] axes(NodeProto n, Attributes at, int input, String where) {
    long[] axes = at.ints("axes", Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (axes == null && in(n, input, where) != null) axes = constant(n, input, where).asLongs();
    return axes;
  }

  private void gather(int index, NodeProto n, Attributes at, String where) {
    Value data = in(n, 0, where), indices = in(n, 1, where);
    if (data instanceof Constant d && indices instanceof Constant i) {
      put(n, ConstantFolding.gather(d, i, at.i("axis", 0), where));
      return;
    }
    // An embedding: rows of a constant table picked by token ids, then turned channels first
    if (data instanceof Constant table && indices instanceof Activation ids && table.isFloat() && table.dims().length == 2
        && ids.dims().length == 1 && at.i("axis", 0) == 0) {
      int next = singleConsumer(n.getOutput(0));
      NodeProto t = next > index ? graph.getNode(next) : null;
      long[] perm = t != null && t.getOpType().equals("Transpose") ? new Attributes(t, where).ints("perm", -3, 3) : null;
      if (perm != null && Arrays.equals(perm, new long[] {0, 2, 1})) {
        int v = table.dims()[0], dim = table.dims()[1];
        Activation e = withWeights(where, () -> Layers.embedding(ids.node(), v, dim), table.floats());
        absorbed.add(next);
        onlyFirstOutput(n);
        values.put(t.getOutput(0), e);
        return;
      }
      throw new OnnxException(where + ": a Gather of rows of a table by the input (an embedding) must be followed by Transpose perm [0, 2, 1] alone:"
          + " Hubel keeps a sequence channels first, (N, C, L), as a 1-D convolution takes it");
    }
    throw new OnnxException(where + ": Gather is supported on constants (shape arithmetic) and as an embedding (a constant table, indices from the input);"
        + " received data " + describe(data) + " and indices " + describe(indices));
  }

  private static String describe(Value v) {
    return v instanceof Constant c ? "a " + c.describe() : v instanceof Activation a ? "an " + a.describe() : "missing";
  }

  private void squeezeOrUnsqueeze(NodeProto n, Attributes at, String where) {
    boolean un = n.getOpType().equals("Unsqueeze");
    long[] axes = axes(n, at, 1, where);
    if (un && axes == null) throw new OnnxException(where + ": Unsqueeze without axes");
    Value v = in(n, 0, where);
    if (v instanceof Constant c) {
      put(n, un ? ConstantFolding.unsqueeze(c, axes, where) : ConstantFolding.squeeze(c, axes, where));
      return;
    }
    Activation a = act(n, 0, where);
    // the same values seen with ones added or removed: done on the shape alone, the batch axis kept
    int[] full = ConstantFolding.concat(new int[] {1}, a.dims());
    Constant probe = Constant.longs(full, new long[ConstantFolding.count(full)]);
    int[] after;
    if (un) {
      after = ConstantFolding.unsqueeze(probe, axes, where).dims();
      for (long ax : axes) {
        if (ConstantFolding.axis(ax, after.length, where) == 0) throw new OnnxException(where + ": Unsqueeze of axis 0 would move the batch axis");
      }
    } else {
      if (axes == null) {
        after = ConstantFolding.concat(new int[] {1}, Arrays.stream(a.dims()).filter(d -> d != 1).toArray());
      } else {
        for (long ax : axes) {
          if (ConstantFolding.axis(ax, full.length, where) == 0) throw new OnnxException(where + ": Squeeze of axis 0 would remove the batch axis");
        }
        after = ConstantFolding.squeeze(probe, axes, where).dims();
      }
    }
    put(n, view(a, Arrays.copyOfRange(after, 1, after.length), where));
  }

  /** The activation seen with other per-example dimensions; a view to a vector becomes a Hubel flatten. */
  private Activation view(Activation a, int[] dims, String where) {
    if (dims.length == 0) throw new OnnxException(where + ": leaves each example a scalar; Hubel's tensors keep at least one dimension per example");
    if (Arrays.equals(dims, a.node().shape().dims())) return new Activation(a.node(), dims);
    if (dims.length == 1 && a.node().shape().rank() > 1) {
      Node flat = layer(where, () -> Layers.flatten(a.node()));
      return new Activation(flat, dims);
    }
    return new Activation(a.node(), dims);
  }

  private void concat(NodeProto n, Attributes at, String where) {
    List<Value> in = new ArrayList<>();
    for (int i = 0; i < n.getInputCount(); i++) in.add(in(n, i, where));
    if (in.isEmpty()) throw new OnnxException(where + ": Concat of nothing");
    if (in.stream().allMatch(v -> v instanceof Constant)) {
      put(n, ConstantFolding.concat(in.stream().map(v -> (Constant) v).toList(), at.i("axis", 0), where));
      return;
    }
    if (!in.stream().allMatch(v -> v instanceof Activation)) {
      throw new OnnxException(where + ": Concat of activations and constants; Hubel joins activations only (an inception module's branches)");
    }
    List<Activation> acts = in.stream().map(v -> (Activation) v).toList();
    int rank = acts.get(0).dims().length + 1;
    long axis = at.i("axis", Long.MIN_VALUE);
    if (axis == Long.MIN_VALUE) throw new OnnxException(where + ": Concat without an axis");
    if (ConstantFolding.axis(axis, rank, where) != 1) {
      throw new OnnxException(where + ": Concat along axis " + axis + "; Hubel joins along the channels (axis 1)");
    }
    for (Activation a : acts) {
      if (a.isView()) throw new OnnxException(where + ": Concat of an " + a.describe() + " that Hubel holds as [" + a.node().shape() + "]");
    }
    Node[] nodes = acts.stream().map(Activation::node).toArray(Node[]::new);
    put(n, activation(where, () -> Layers.concat(nodes)));
  }

  private void slice(NodeProto n, Attributes at, String where) {
    Value v = in(n, 0, where);
    if (!(v instanceof Constant c)) throw new OnnxException(where + ": Slice of an activation; Hubel slices constants (shape arithmetic) only");
    long[] starts, ends, axes, steps;
    if (at.has("starts")) {
      starts = at.ints("starts", Long.MIN_VALUE, Long.MAX_VALUE);
      ends = at.ints("ends", Long.MIN_VALUE, Long.MAX_VALUE);
      axes = at.ints("axes", Integer.MIN_VALUE, Integer.MAX_VALUE);
      steps = null;
      if (ends == null) throw new OnnxException(where + ": Slice without ends");
    } else {
      starts = constant(n, 1, where).asLongs();
      ends = constant(n, 2, where).asLongs();
      axes = in(n, 3, where) == null ? null : constant(n, 3, where).asLongs();
      steps = in(n, 4, where) == null ? null : constant(n, 4, where).asLongs();
    }
    put(n, ConstantFolding.slice(c, starts, ends, axes, steps, where));
  }

  private void reshape(NodeProto n, Attributes at, String where) {
    Value v = in(n, 0, where);
    long[] target = constant(n, 1, where).asLongs();
    boolean allowZero = at.i("allowzero", 0) != 0;
    if (v instanceof Constant c) {
      put(n, ConstantFolding.reshape(c, resolve(target, c.dims(), c.size(), allowZero, where)));
      return;
    }
    Activation a = act(n, 0, where);
    if (target.length < 2) {
      throw new OnnxException(where + ": Reshape to " + Arrays.toString(target) + " would merge the batch into the example; Hubel keeps the batch axis");
    }
    long first = target[0];
    if (first != Constant.BATCH && !(first == 0 && !allowZero) && first != -1) {
      throw new OnnxException(where + ": Reshape to " + describeShape(target) + " fixes the batch size at " + first
          + "; Hubel runs any batch, so the first dimension must be the batch (x.size(0), 0 or -1)");
    }
    long[] rest = Arrays.copyOfRange(target, 1, target.length);
    for (long r : rest) {
      if (r == Constant.BATCH) throw new OnnxException(where + ": Reshape to " + describeShape(target) + " moves the batch size away from axis 0");
    }
    if (first == -1) {
      for (long r : rest) {
        if (r == -1) throw new OnnxException(where + ": Reshape to " + describeShape(target) + " with two -1s");
      }
    }
    int[] dims = resolve(rest, a.dims(), a.size(), allowZero, where);
    put(n, view(a, dims, where));
  }

  private static String describeShape(long[] s) {
    return Arrays.toString(s).replace(Long.toString(Constant.BATCH), "N");
  }

  /** A Reshape's target with 0 (copy that dimension) and -1 (what is left) worked out, for {@code size} values. */
  private static int[] resolve(long[] target, int[] from, int size, boolean allowZero, String where) {
    int[] dims = new int[target.length];
    int infer = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      long t = target[i];
      if (t == 0 && !allowZero) {
        if (i >= from.length) throw new OnnxException(where + ": Reshape copies dimension " + i + " of a tensor of rank " + from.length);
        t = from[i];
      }
      if (t == -1) {
        if (infer >= 0) throw new OnnxException(where + ": Reshape to " + describeShape(target) + " with two -1s");
        infer = i;
        continue;
      }
      if (t < 0 || t > TensorData.MAX_ELEMENTS) throw new OnnxException(where + ": Reshape to " + describeShape(target) + ": dimension " + t);
      dims[i] = (int) t;
      known *= t;
      if (known > TensorData.MAX_ELEMENTS) throw new OnnxException(where + ": Reshape to " + describeShape(target) + " is too large");
    }
    if (infer >= 0) {
      if (known == 0 || size % known != 0) throw new OnnxException(where + ": Reshape of " + size + " values to " + describeShape(target));
      dims[infer] = (int) (size / known);
      known *= dims[infer];
    }
    if (known != size) {
      throw new OnnxException(where + ": Reshape of " + size + " values per example to " + describeShape(target) + ", which holds " + known);
    }
    return dims;
  }

  private void flatten(NodeProto n, Attributes at, String where) {
    Value v = in(n, 0, where);
    long axis = at.i("axis", 1);
    if (v instanceof Constant c) {
      int r = c.dims().length;
      int ax = (int) (axis < 0 ? axis + r : axis);
      if (ax < 0 || ax > r) throw new OnnxException(where + ": Flatten axis " + axis + " of a tensor of rank " + r);
      int outer = ConstantFolding.count(Arrays.copyOfRange(c.dims(), 0, ax));
      put(n, ConstantFolding.reshape(c, new int[] {outer, c.size() / Math.max(outer, 1)}));
      return;
    }
    Activation a = act(n, 0, where);
    int r = a.dims().length + 1;
    if ((axis < 0 ? axis + r : axis) != 1) {
      throw new OnnxException(where + ": Flatten at axis " + axis + "; Hubel flattens each example whole (axis 1), keeping the batch");
    }
    put(n, view(a, new int[] {a.size()}, where));
  }

  private void arithmetic(NodeProto n, String where) {
    Value a = in(n, 0, where), b = in(n, 1, where);
    if (a == null || b == null) throw new OnnxException(where + ": needs two inputs");
    if (a instanceof Constant ca && b instanceof Constant cb) {
      put(n, ConstantFolding.arithmetic(n.getOpType(), ca, cb, where));
      return;
    }
    if (a instanceof Activation x && b instanceof Activation y && n.getOpType().equals("Add")) {
      if (!Arrays.equals(x.dims(), y.dims()) || x.isView() || y.isView()) {
        throw new OnnxException(where + ": Add of an " + x.describe() + " and an " + y.describe()
            + "; Hubel adds activations of the same shape (a residual block's shortcut), without broadcasting");
      }
      put(n, activation(where, () -> Layers.add(x.node(), y.node())));
      return;
    }
    // (x - mean) / std at the input: the model's normalisation
    if (a instanceof Activation x && b instanceof Constant c && x.node() == input && !n.getOpType().equals("Add")) {
      normalisation(n, x, c, where);
      return;
    }
    throw new OnnxException(where + ": " + n.getOpType() + " of " + describe(a) + " and " + describe(b) + "; Hubel reads a constant added only"
        + " as a fully connected layer's bias (MatMul then Add), and subtracted or divided only at the input (its normalisation)");
  }

  private void normalisation(NodeProto n, Activation x, Constant c, String where) {
    boolean onlyReader = consumers.getOrDefault(n.getInput(0), List.of()).size() == 1;
    int channels = x.dims()[0];
    boolean perChannel = c.isFloat() && c.dims().length <= x.dims().length + 1
        && (c.size() == 1 || (c.size() == channels && perChannelShape(c.dims(), x.dims().length + 1)));
    if (!onlyReader || !perChannel || x.isView()) {
      throw new OnnxException(where + ": " + n.getOpType() + " of the input by a " + c.describe() + "; Hubel reads this only as the input's"
          + " per-channel normalisation (Sub, then Div or Mul, each by one value per channel) on a tensor nothing else reads");
    }
    float[] v = new float[channels];
    for (int k = 0; k < channels; k++) v[k] = c.floats()[c.size() == 1 ? 0 : k];
    if (n.getOpType().equals("Sub")) {
      if (mean != null || std != null) throw new OnnxException(where + ": a second Sub at the input, or a Sub after its Div; Hubel normalises as (x - mean) / std");
      mean = v;
    } else {
      if (std != null) throw new OnnxException(where + ": a second " + n.getOpType() + " at the input; Hubel normalises as (x - mean) / std");
      std = new float[channels];
      for (int k = 0; k < channels; k++) std[k] = n.getOpType().equals("Div") ? v[k] : 1f / v[k];
    }
    values.put(n.getOutput(0), x);
  }

  /** [C,1,1] or [1,C,1,1] (for an image; [C] or [1,C] for a vector): one value per channel, broadcast over the rest. */
  private static boolean perChannelShape(int[] dims, int fullRank) {
    int[] d = dims;
    if (d.length == fullRank) {
      if (d[0] != 1) return false;
      d = Arrays.copyOfRange(d, 1, d.length);
    }
    if (d.length != fullRank - 1) return false;
    for (int i = 1; i < d.length; i++) if (d[i] != 1) return false;
    return true;
  }

  // ---- layers ----

  private static Constant scalar(Constant c, String what, String where) {
    if (c.size() != 1) throw new OnnxException(where + ": its " + what + " is a " + c.describe() + "; expected one value");
    return c;
  }

  private void dropout(NodeProto n, Attributes at, String where) {
    Activation a = act(n, 0, where);
    float p = at.f("ratio", 0.5f);
    if (in(n, 1, where) != null) p = scalar(constant(n, 1, where), "ratio", where).asFloats(where)[0];
    if (in(n, 2, where) != null && scalar(constant(n, 2, where), "training_mode", where).asLongs()[0] != 0) {
      throw new OnnxException(where + ": Dropout in training mode; an exported model runs dropout as inference does (passing values through)");
    }
    double ratio = p;
    put(n, new Activation(layer(where, () -> Layers.dropout(a.node(), ratio)), a.dims()));
  }

  /** A node's pads plus those of the Pad node before it, if that one left them to it. */
  private long[] withPadNode(long[] pads, NodeProto n) {
    long[] extra = padsForNext.get(n.getInput(0));
    if (extra == null) return pads;
    if (pads.length != extra.length) throw new OnnxException(source + ": node '" + n.getName() + "': a Pad of height and width before a 1-D window");
    long[] sum = pads.clone();
    for (int i = 0; i < sum.length; i++) sum[i] += extra[i];
    return sum;
  }

  private void conv(NodeProto n, Attributes at, String where) {
    Activation a = act(n, 0, where);
    Constant w = constant(n, 1, where);
    if (!w.isFloat() || (w.dims().length != 4 && w.dims().length != 3)) {
      throw new OnnxException(where + ": the weight is a " + w.describe() + "; expected floats (F, C/groups, kH, kW) or, for a sequence, (F, C, k)");
    }
    int axes = w.dims().length - 2;
    int filters = w.dims()[0];
    int[] k = Arrays.copyOfRange(w.dims(), 2, w.dims().length);
    long[] ks = at.ints("kernel_shape", 1, MAX_WINDOW);
    if (ks != null && !Arrays.equals(ks, Arrays.stream(k).asLongStream().toArray())) {
      throw new OnnxException(where + ": kernel_shape " + Arrays.toString(ks) + " does not match the weight's " + Arrays.toString(w.dims()));
    }
    for (int kk : k) if (kk > MAX_WINDOW || kk < 1) throw new OnnxException(where + ": kernel " + Arrays.toString(k));
    Windows.noDilation(at, where);
    int groups = at.i("group", 1, 1, MAX_WINDOW);
    int s = Windows.stride(at, axes, where);
    float[] bias = in(n, 2, where) == null ? null : floats(n, 2, where, filters);
    Node x = axes == 2 ? volume(a, where) : sequence(a, where);
    int channels = x.shape().dim(0);
    if ((long) w.dims()[1] * groups != channels) {
      throw new OnnxException(where + ": the weight " + Arrays.toString(w.dims()) + " with " + groups + " group(s) takes " + (long) w.dims()[1] * groups
          + " input channels; the input has " + channels);
    }
    int[] size = Arrays.copyOfRange(x.shape().dims(), 1, 1 + axes);
    long[] pads = withPadNode(Windows.pads(at, size, k, s, where), n);
    Fit fit = Windows.fit(where, "convolution", size, k, s, pads, false, false);
    int pad = (int) pads[0];
    if (axes == 1) {
      if (groups != 1) throw new OnnxException(where + ": a 1-D convolution in " + groups + " groups; Hubel's conv1d has one group");
      if (fit != Fit.FLOOR || pads[1] != pad || (size[0] - k[0] + 2L * pad) % s != 0) {
        throw new OnnxException(where + ": a 1-D convolution whose windows do not tile the padded sequence; Hubel's conv1d needs them to");
      }
      float[] b = bias != null ? bias : new float[filters];
      put(n, withWeights(where, () -> Layers.conv1d(x, filters, k[0], s, pad), w.floats(), b));
      return;
    }
    if (bias != null) {
      put(n, withWeights(where, () -> Layers.conv2d(x, filters, k[0], k[1], s, pad, fit, groups, true), w.floats(), bias));
    } else {
      put(n, withWeights(where, () -> Layers.conv2d(x, filters, k[0], k[1], s, pad, fit, groups, false), w.floats()));
    }
  }

  private void pool(NodeProto n, Attributes at, String where) {
    boolean max = n.getOpType().equals("MaxPool");
    Node x = volume(act(n, 0, where), where);
    long[] ks = at.ints("kernel_shape", 1, MAX_WINDOW);
    if (ks == null || ks.length != 2) throw new OnnxException(where + ": kernel_shape " + (ks == null ? "missing" : Arrays.toString(ks)) + "; expected two values");
    if (ks[0] != ks[1]) throw new OnnxException(where + ": a " + ks[0] + "x" + ks[1] + " window; Hubel pools with square windows");
    Windows.noDilation(at, where);
    if (at.i("storage_order", 0) != 0) throw new OnnxException(where + ": storage_order 1 (column major) is not supported");
    int size = (int) ks[0];
    int s = Windows.stride(at, 2, where);
    int[] hw = {x.shape().h(), x.shape().w()};
    long[] own = Windows.pads(at, hw, new int[] {size, size}, s, where);
    long[] pads = withPadNode(own, n);
    boolean ceil = at.i("ceil_mode", 0) != 0;
    if (pads != own && Arrays.stream(own).anyMatch(p -> p != 0) && at.i("count_include_pad", 0) == 0) {
      throw new OnnxException(where + ": an AveragePool with pads that it does not count, of values a Pad padded; Hubel counts all padding");
    }
    if (!max && pads == own && at.i("count_include_pad", 0) == 0) {
      boolean padded = false;
      for (long p : pads) padded |= p != 0;
      if (padded || (ceil && (Windows.onnxCount(hw[0], size, s, 0, 0, true) != Windows.onnxCount(hw[0], size, s, 0, 0, false)
          || Windows.onnxCount(hw[1], size, s, 0, 0, true) != Windows.onnxCount(hw[1], size, s, 0, 0, false)))) {
        throw new OnnxException(where + ": count_include_pad 0 with windows over the padding; Hubel's average counts the padding as zeros"
            + " (count_include_pad 1, PyTorch's default)");
      }
    }
    Fit fit = Windows.fit(where, max ? "max pooling" : "average pooling", hw, new int[] {size, size}, s, pads, ceil, !max);
    int pad = (int) pads[0];
    put(n, activation(where, () -> max ? Layers.maxPool(x, size, s, pad, fit) : Layers.avgPool(x, size, s, pad, fit)));
  }

  private void globalMax(NodeProto n, String where) {
    Activation a = act(n, 0, where);
    if (a.dims().length == 2 && !a.isView()) {
      Node m = layer(where, () -> Layers.maxOverTime(a.node()));
      put(n, new Activation(m, new int[] {a.dims()[0], 1}));
      return;
    }
    Node x = volume(a, where);
    if (x.shape().h() != x.shape().w()) {
      throw new OnnxException(where + ": GlobalMaxPool of [" + x.shape() + "]; Hubel takes it as one square max pool, so H must equal W");
    }
    put(n, activation(where, () -> Layers.maxPool(x, x.shape().h(), 1)));
  }

  private void reduceMax(NodeProto n, Attributes at, String where) {
    Activation a = act(n, 0, where);
    long[] axes = axes(n, at, 1, where);
    boolean keep = at.i("keepdims", 1) != 0;
    if (a.dims().length != 2 || axes == null || axes.length != 1 || ConstantFolding.axis(axes[0], 3, where) != 2) {
      throw new OnnxException(where + ": ReduceMax over axes " + (axes == null ? "all" : Arrays.toString(axes)) + " of an " + a.describe()
          + "; Hubel takes the maximum over the length of a sequence (N, C, L) only, axis 2 (max over time)");
    }
    Node x = sequence(a, where);
    Node m = layer(where, () -> Layers.maxOverTime(x));
    put(n, new Activation(m, keep ? new int[] {a.dims()[0], 1} : new int[] {a.dims()[0]}));
  }

  private void lrn(NodeProto n, Attributes at, String where) {
    Node x = volume(act(n, 0, where), where);
    int size = at.i("size", 0, 1, MAX_WINDOW);
    if (!at.has("size")) throw new OnnxException(where + ": LRN without its size");
    if (size % 2 == 0) {
      throw new OnnxException(where + ": LRN of even size " + size + ": ONNX centres the window one channel later than PyTorch and Hubel"
          + " (which sum c - size/2 .. c + (size-1)/2), so only odd sizes mean the same in both");
    }
    double alpha = at.f("alpha", 1e-4f), beta = at.f("beta", 0.75f), bias = at.f("bias", 1f);
    put(n, activation(where, () -> Layers.lrn(x, size, alpha, beta, bias)));
  }

  private void batchNorm(NodeProto n, Attributes at, String where) {
    Activation a = act(n, 0, where);
    if (a.isView() || a.dims().length > 3) throw new OnnxException(where + ": needs an activation Hubel holds as it is; received an " + a.describe());
    if (at.i("training_mode", 0) != 0) throw new OnnxException(where + ": BatchNormalization in training mode; an exported model normalises with its running statistics");
    int c = a.dims()[0];
    float[] gamma = floats(n, 1, where, c), beta = floats(n, 2, where, c), mean = floats(n, 3, where, c), var = floats(n, 4, where, c);
    float eps = at.f("epsilon", 1e-5f);
    if (!(eps >= 0) || Float.isInfinite(eps)) throw new OnnxException(where + ": epsilon " + eps);
    float[] scale = gamma.clone();
    if (eps != HUBEL_BN_EPS) {
      // Hubel's batch norm adds 1e-5 (PyTorch's default); gamma/sqrt(var+eps) = gamma'/sqrt(var+1e-5) for this gamma'
      for (int k = 0; k < c; k++) scale[k] = (float) (gamma[k] * Math.sqrt((var[k] + (double) HUBEL_BN_EPS) / (var[k] + (double) eps)));
    }
    put(n, withWeights(where, () -> Layers.batchNorm(a.node()), scale, beta, mean, var));
  }

  private void gemm(NodeProto n, Attributes at, String where) {
    Activation a = act(n, 0, where);
    Constant b = constant(n, 1, where);
    if (at.i("transA", 0) != 0) throw new OnnxException(where + ": Gemm with transA; Hubel's fully connected layer takes the batch as rows");
    boolean transB = at.i("transB", 0) != 0;
    float alpha = at.f("alpha", 1f), beta = at.f("beta", 1f);
    if (!b.isFloat() || b.dims().length != 2) throw new OnnxException(where + ": the weight is a " + b.describe() + "; expected a float matrix");
    int units = transB ? b.dims()[0] : b.dims()[1], d = transB ? b.dims()[1] : b.dims()[0];
    if (a.dims().length != 1 || d != a.size()) {
      throw new OnnxException(where + ": Gemm of an " + a.describe() + " and a weight " + Arrays.toString(b.dims()) + (transB ? " (transposed)" : "")
          + "; expected (N, " + d + ") inputs");
    }
    float[] w = weightRows(b.floats(), units, d, !transB, alpha);
    float[] bias = new float[units];
    if (in(n, 2, where) != null) {
      Constant c = constant(n, 2, where);
      float[] cv = c.asFloats(where);
      if (cv.length != 1 && cv.length != units) {
        throw new OnnxException(where + ": Gemm's C has shape " + Arrays.toString(c.dims()) + "; Hubel adds one bias per unit, (" + units + ")");
      }
      for (int u = 0; u < units; u++) bias[u] = beta * cv[cv.length == 1 ? 0 : u];
    }
    put(n, withWeights(where, () -> Layers.dense(a.node(), units), w, bias));
  }

  /** A (units, d) weight, from a matrix stored (units, d) or, transposed, (d, units), times alpha. */
  private static float[] weightRows(float[] m, int units, int d, boolean transposed, float alpha) {
    float[] w = new float[units * d];
    for (int u = 0; u < units; u++) {
      for (int k = 0; k < d; k++) w[u * d + k] = alpha * (transposed ? m[k * units + u] : m[u * d + k]);
    }
    return w;
  }

  private void matMul(int index, NodeProto n, String where) {
    Activation a = act(n, 0, where);
    Constant b = constant(n, 1, where);
    if (!b.isFloat() || b.dims().length != 2 || a.dims().length != 1 || b.dims()[0] != a.size()) {
      throw new OnnxException(where + ": MatMul of an " + a.describe() + " by a " + b.describe()
          + "; Hubel reads MatMul as a fully connected layer: (N, D) by a constant (D, units)");
    }
    int d = b.dims()[0], units = b.dims()[1];
    float[] w = weightRows(b.floats(), units, d, true, 1f);
    float[] bias = new float[units];
    // MatMul then Add of a constant: one fully connected layer with its bias
    int next = singleConsumer(n.getOutput(0));
    NodeProto add = next > index ? graph.getNode(next) : null;
    if (add != null && add.getOpType().equals("Add") && add.getInputCount() == 2) {
      String other = add.getInput(0).equals(n.getOutput(0)) ? add.getInput(1) : add.getInput(0);
      if (values.get(other) instanceof Constant c && c.isFloat() && c.size() == units && c.dims().length >= 1 && c.dims()[c.dims().length - 1] == units) {
        System.arraycopy(c.floats(), 0, bias, 0, units);
        absorbed.add(next);
        Activation dense = withWeights(where, () -> Layers.dense(a.node(), units), w, bias);
        put(n, dense);
        values.put(add.getOutput(0), dense);
        return;
      }
    }
    put(n, withWeights(where, () -> Layers.dense(a.node(), units), w, bias));
  }

  private void pad(NodeProto n, Attributes at, String where) {
    Node x = volume(act(n, 0, where), where);
    String mode = at.s("mode", "constant");
    if (!mode.equals("constant")) throw new OnnxException(where + ": Pad mode '" + mode + "'; Hubel pads with zeros (mode constant)");
    long[] pads = at.has("pads") ? at.ints("pads", Long.MIN_VALUE, Long.MAX_VALUE) : constant(n, 1, where).asLongs();
    float value = at.f("value", 0f);
    if (in(n, 2, where) != null) {
      float[] v = constant(n, 2, where).asFloats(where);
      value = v.length == 0 ? 0 : v[0];
    }
    if (in(n, 3, where) != null) throw new OnnxException(where + ": Pad with axes; give pads for every axis");
    if (pads.length != 8) throw new OnnxException(where + ": pads " + Arrays.toString(pads) + "; expected 8 values for (N, C, H, W)");
    boolean channelsOnly = pads[0] == 0 && pads[4] == 0 && pads[2] == 0 && pads[3] == 0 && pads[6] == 0 && pads[7] == 0;
    boolean spatialOnly = pads[0] == 0 && pads[4] == 0 && pads[1] == 0 && pads[5] == 0;
    int next = singleConsumer(n.getOutput(0));
    String reader = next >= 0 ? graph.getNode(next).getOpType() : "";
    if (value == 0 && spatialOnly && !channelsOnly && (reader.equals("Conv") || reader.equals("AveragePool"))
        && graph.getNode(next).getInput(0).equals(n.getOutput(0))) {
      // PyTorch writes a padded average pool (count_include_pad) as Pad then AveragePool: the same as padding in the pool
      for (long p : pads) {
        if (p < 0 || p > MAX_WINDOW) throw new OnnxException(where + ": Pad " + Arrays.toString(pads) + "; expected pads from 0 to " + MAX_WINDOW);
      }
      padsForNext.put(n.getOutput(0), new long[] {pads[2], pads[3], pads[6], pads[7]});
      put(n, in(n, 0, where));
      return;
    }
    if (value != 0 || !channelsOnly || pads[1] < 0 || pads[5] < 0 || pads[1] > MAX_WINDOW || pads[5] > MAX_WINDOW) {
      throw new OnnxException(where + ": Pad " + Arrays.toString(pads) + " with " + value + "; Hubel pads only the channels, with zeros"
          + " (a widening shortcut), or height and width with zeros for the one Conv or AveragePool that reads the result");
    }
    int before = (int) pads[1], after = (int) pads[5];
    if (before == 0 && after == 0) {
      put(n, in(n, 0, where));
      return;
    }
    put(n, activation(where, () -> Layers.padChannels(x, before, after)));
  }

  private void softmax(NodeProto n, Attributes at, String where) {
    Activation a = act(n, 0, where);
    int rank = a.dims().length + 1;
    long axis = at.i("axis", opset >= 13 ? -1 : 1);
    int ax = ConstantFolding.axis(axis, rank, where);
    boolean whole;
    if (opset < 13) {
      whole = ax == 1;  // before opset 13 the input is seen as 2-D at the axis: one softmax over each example
    } else {
      long others = 1;
      for (int i = 1; i < rank; i++) if (i != ax) others *= a.dims()[i - 1];
      whole = ax >= 1 && others == 1;
    }
    if (!n.getOutput(0).equals(outputName) || !whole) {
      throw new OnnxException(where + ": " + n.getOpType() + " inside the model or over part of an example; Hubel reads it only as the model's"
          + " last step, over all the scores (Hubel's models output scores, and predict applies the softmax)");
    }
    softmaxLeftOut = true;
    put(n, a);
  }

  // ---- weights ----

  /** Copies each layer's weights into its parameters, in the order the op declares them. */
  private void fill(Model model) {
    List<Param> params = model.params();
    int at = 0;
    for (Node node : model.nodes()) {
      int count = node.op().params().size();
      float[][] w = weights.get(node);
      if (count > 0 && (w == null || w.length != count)) {
        throw new IllegalStateException(node.name() + " has " + count + " parameters, " + (w == null ? "none" : w.length) + " were read");
      }
      for (int k = 0; k < count; k++) {
        Param p = params.get(at++);
        if (p.size() != w[k].length) {
          throw new OnnxException(source + ": " + p.name() + " needs " + p.size() + " values ([" + p.shape() + "]); the file gives " + w[k].length);
        }
        System.arraycopy(w[k], 0, p.value(), 0, p.size());
      }
    }
  }
}
