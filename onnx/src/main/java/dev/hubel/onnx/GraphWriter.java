package dev.hubel.onnx;

import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.model.Normalization;
import dev.hubel.onnx.proto.OnnxProto.AttributeProto;
import dev.hubel.onnx.proto.OnnxProto.AttributeProto.AttributeType;
import dev.hubel.onnx.proto.OnnxProto.GraphProto;
import dev.hubel.onnx.proto.OnnxProto.NodeProto;
import dev.hubel.onnx.proto.OnnxProto.TensorProto;
import dev.hubel.onnx.proto.OnnxProto.TensorShapeProto;
import dev.hubel.onnx.proto.OnnxProto.TypeProto;
import dev.hubel.onnx.proto.OnnxProto.ValueInfoProto;
import dev.hubel.tensor.Param;
import dev.hubel.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hubel model written as an ONNX graph: each layer as the ONNX nodes that compute the same, read
 * from the layer's spec (the {@link dev.hubel.model.Architecture} call that built it), its
 * parameters as initializers named as Hubel names them ({@code CONV1.weight}).
 */
final class GraphWriter {
  static final String INPUT = "input";
  static final String OUTPUT = "output";
  static final String BATCH = "N";

  private final Model model;
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Map<Node, String> names = new HashMap<>();
  private final Map<Node, List<Param>> params = new HashMap<>();
  private final List<NodeProto.Builder> onnxNodes = new ArrayList<>();

  GraphWriter(Model model) {
    this.model = model;
    int at = 0;
    for (Node n : model.nodes()) {
      int count = n.op().params().size();
      params.put(n, model.params().subList(at, at + count));
      at += count;
    }
  }

  GraphProto write() {
    graph.setName(model.name());
    graph.addInput(valueInfo(INPUT, model.inputShape()));
    List<Node> nodes = model.nodes();
    Node last = nodes.get(nodes.size() - 1);
    for (Node n : nodes) {
      String spec = (String) n.spec().get("op");
      if (spec.equals("input")) {
        names.put(n, normalisation(model.normalization()));
        continue;
      }
      names.put(n, n == last ? OUTPUT : valueName(n));
      layer(n, spec);
    }
    for (NodeProto.Builder b : onnxNodes) graph.addNode(b);
    graph.addOutput(valueInfo(OUTPUT, model.outputShape()));
    return graph.build();
  }

  /** Sub and Div by the training set's per-channel statistics, so that the file takes inputs as they come. */
  private String normalisation(Normalization norm) {
    if (norm == null) return INPUT;
    Shape in = model.inputShape();
    if (norm.channels() != in.dim(0)) {
      throw new OnnxException(model.name() + ": its normalisation has " + norm.channels() + " channels, its input [" + in + "] "
          + in.dim(0) + "; only one value per input channel can be written as ONNX");
    }
    int[] dims = new int[in.rank() + 1];
    Arrays.fill(dims, 1);
    dims[1] = norm.channels();
    graph.addInitializer(TensorData.floats("input.mean", dims, norm.mean()));
    graph.addInitializer(TensorData.floats("input.std", dims, norm.std()));
    node("Sub", "input.centred", INPUT, "input.mean");
    node("Div", "input.normalized", "input.centred", "input.std");
    return "input.normalized";
  }

  /** Hubel's names (MAX POOL1) with spaces made underscores, as ONNX tools expect identifiers. */
  private static String valueName(Node n) {
    return n.name().replace(' ', '_');
  }

  private String in(Node n, int i) {
    return names.get(n.inputs().get(i));
  }

  private String weight(Node n, int i) {
    Param p = params.get(n).get(i);
    graph.addInitializer(TensorData.floats(p.name(), p.shape().dims(), p.value()));
    return p.name();
  }

  private NodeProto.Builder node(String op, String output, String... inputs) {
    NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(output + "/" + op).addOutput(output);
    for (String i : inputs) b.addInput(i);
    onnxNodes.add(b);
    return b;
  }

  private static int i(Node n, String key) {
    return ((Number) n.spec().get(key)).intValue();
  }

  private static float f(Node n, String key) {
    return ((Number) n.spec().get(key)).floatValue();
  }

  private void layer(Node n, String spec) {
    String out = names.get(n);
    String where = model.name() + ": layer " + n.name();
    switch (spec) {
      case "conv2d" -> {
        Shape x = n.inputs().get(0).shape();
        int fh = i(n, "fh"), fw = i(n, "fw"), s = i(n, "stride"), p = i(n, "pad");
        int groups = n.spec().containsKey("groups") ? i(n, "groups") : 1;
        boolean bias = !Boolean.FALSE.equals(n.spec().get("bias"));
        // Hubel's CEIL fit keeps a partial window at the end; ONNX's Conv rounds down, so that
        // window gets explicit padding at the end (zeros, as Hubel reads beyond the input)
        int endH = Math.max(p, (n.shape().h() - 1) * s + fh - x.h() - p);
        int endW = Math.max(p, (n.shape().w() - 1) * s + fw - x.w() - p);
        NodeProto.Builder c = bias ? node("Conv", out, in(n, 0), weight(n, 0), weight(n, 1)) : node("Conv", out, in(n, 0), weight(n, 0));
        ints(c, "kernel_shape", fh, fw);
        ints(c, "strides", s, s);
        ints(c, "pads", p, p, endH, endW);
        ints(c, "dilations", 1, 1);
        intAttr(c, "group", groups);
      }
      case "conv1d" -> {
        NodeProto.Builder c = node("Conv", out, in(n, 0), weight(n, 0), weight(n, 1));
        int p = i(n, "pad");
        ints(c, "kernel_shape", i(n, "width"));
        ints(c, "strides", i(n, "stride"));
        ints(c, "pads", p, p);
      }
      case "relu" -> node("Relu", out, in(n, 0));
      case "maxPool", "avgPool" -> {
        int k = i(n, "size"), s = i(n, "stride"), p = i(n, "pad");
        boolean max = spec.equals("maxPool");
        NodeProto.Builder c = node(max ? "MaxPool" : "AveragePool", out, in(n, 0));
        ints(c, "kernel_shape", k, k);
        ints(c, "strides", s, s);
        ints(c, "pads", p, p, p, p);
        intAttr(c, "ceil_mode", "CEIL".equals(n.spec().get("fit")) ? 1 : 0);
        if (!max) intAttr(c, "count_include_pad", 1);  // Hubel's average counts padding as zeros, as PyTorch's
      }
      case "dense" -> {
        String x = in(n, 0);
        if (n.inputs().get(0).shape().rank() > 1) {
          x = out + ".flat";
          intAttr(node("Flatten", x, in(n, 0)), "axis", 1);
        }
        intAttr(node("Gemm", out, x, weight(n, 0), weight(n, 1)), "transB", 1);
      }
      case "flatten", "spatialSoftmax" -> intAttr(node("Flatten", out, in(n, 0)), "axis", 1);  // the scores; Hubel's outputs are logits
      case "lrn" -> {
        int size = i(n, "size");
        if (size % 2 == 0) {
          throw new OnnxException(where + ": local response normalisation of even size " + size + " cannot be written as ONNX's LRN, whose"
              + " window for an even size is one channel later than Hubel's and PyTorch's");
        }
        NodeProto.Builder c = node("LRN", out, in(n, 0));
        intAttr(c, "size", size);
        floatAttr(c, "alpha", f(n, "alpha"));
        floatAttr(c, "beta", f(n, "beta"));
        floatAttr(c, "bias", f(n, "k"));
      }
      case "dropout" -> {
        String ratio = out + ".ratio";
        graph.addInitializer(TensorData.floats(ratio, new int[0], new float[] {f(n, "p")}));
        node("Dropout", out, in(n, 0), ratio);  // inference: passes values through; the ratio is kept for training elsewhere
      }
      case "embedding" -> {
        // ids come as floats (Hubel's inputs are float32); Gather wants integers, and gives (N, L, D) where Hubel has (N, D, L)
        intAttr(node("Cast", out + ".ids", in(n, 0)), "to", TensorProto.DataType.INT64_VALUE);
        node("Gather", out + ".rows", weight(n, 0), out + ".ids");
        ints(node("Transpose", out, out + ".rows"), "perm", 0, 2, 1);
      }
      case "maxOverTime" -> {
        NodeProto.Builder c = node("ReduceMax", out, in(n, 0));
        ints(c, "axes", 2);
        intAttr(c, "keepdims", 0);
      }
      case "batchNorm" -> {
        NodeProto.Builder c = node("BatchNormalization", out, in(n, 0), weight(n, 0), weight(n, 1), weight(n, 2), weight(n, 3));
        floatAttr(c, "epsilon", dev.hubel.op.BatchNorm.EPS);
        floatAttr(c, "momentum", 1 - dev.hubel.op.BatchNorm.MOMENTUM);  // ONNX's momentum keeps the old value, PyTorch's takes the new
      }
      case "add" -> node("Add", out, in(n, 0), in(n, 1));
      case "concat" -> {
        String[] ins = new String[n.inputs().size()];
        for (int k = 0; k < ins.length; k++) ins[k] = in(n, k);
        intAttr(node("Concat", out, ins), "axis", 1);
      }
      case "globalAvgPool" -> node("GlobalAveragePool", out, in(n, 0));
      case "padChannels" -> {
        String pads = out + ".pads";
        graph.addInitializer(TensorData.longs(pads, new int[] {8}, 0, i(n, "before"), 0, 0, 0, i(n, "after"), 0, 0));
        node("Pad", out, in(n, 0), pads);
      }
      default -> throw new OnnxException(where + ": layer op '" + spec + "' has no ONNX form in this version of Hubel");
    }
  }

  private static void ints(NodeProto.Builder node, String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
    for (long v : values) a.addInts(v);
    node.addAttribute(a);
  }

  private static void intAttr(NodeProto.Builder node, String name, long value) {
    node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value));
  }

  private static void floatAttr(NodeProto.Builder node, String name, float value) {
    node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value));
  }

  /** A float tensor of (N, ...shape) with the batch left open. */
  private static ValueInfoProto valueInfo(String name, Shape shape) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
    for (int d : shape.dims()) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s);
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
  }
}
