package dev.hubel.onnx;

import static dev.hubel.model.Layers.batchNorm;
import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.lrn;
import static dev.hubel.model.Layers.maxPool;
import static dev.hubel.model.Layers.relu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.onnx.proto.OnnxProto.AttributeProto;
import dev.hubel.onnx.proto.OnnxProto.ModelProto;
import dev.hubel.onnx.proto.OnnxProto.NodeProto;
import dev.hubel.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.hubel.onnx.proto.OnnxProto.TensorProto;
import dev.hubel.onnx.proto.OnnxProto.TensorShapeProto;
import dev.hubel.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way an ONNX file can be refused, each with the message a user reads. */
class OnnxBadInputTest {
  @TempDir
  Path dir;

  /** conv, batch norm, ReLU, LRN, max pool, fully connected: the file each case below spoils one part of. */
  static ModelProto base() {
    Node x = input(3, 8, 8);
    x = relu(batchNorm(conv2d(x, 4, 3, 1, 1)));
    x = maxPool(lrn(x, 5, 1e-4, 0.75, 2), 2, 2);
    return OnnxExport.toProto(Model.of("base", dense(x, 3)));
  }

  static int nodeIndex(ModelProto.Builder m, String opType) {
    for (int i = 0; i < m.getGraph().getNodeCount(); i++) if (m.getGraph().getNode(i).getOpType().equals(opType)) return i;
    throw new AssertionError("no " + opType);
  }

  static NodeProto.Builder node(ModelProto.Builder m, String opType) {
    return m.getGraphBuilder().getNodeBuilder(nodeIndex(m, opType));
  }

  static void setInts(NodeProto.Builder n, String name, long... values) {
    for (int i = 0; i < n.getAttributeCount(); i++) {
      if (n.getAttribute(i).getName().equals(name)) {
        n.setAttribute(i, n.getAttribute(i).toBuilder().clearInts().addAllInts(Arrays.stream(values).boxed().toList()));
        return;
      }
    }
    n.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS)
        .addAllInts(Arrays.stream(values).boxed().toList()));
  }

  static TensorProto.Builder initializer(ModelProto.Builder m, String name) {
    for (int i = 0; i < m.getGraph().getInitializerCount(); i++) {
      if (m.getGraph().getInitializer(i).getName().equals(name)) return m.getGraphBuilder().getInitializerBuilder(i);
    }
    throw new AssertionError("no initializer " + name);
  }

  static TensorProto.Builder external(ModelProto.Builder m, String location, long offset) {
    TensorProto.Builder w = initializer(m, "CONV1.weight").clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL);
    w.addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
    w.addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)));
    return w;
  }

  static Arguments row(String what, UnaryOperator<ModelProto.Builder> spoil, String... message) {
    return Arguments.of(what, spoil, message);
  }

  static Stream<Arguments> spoiled() {
    return Stream.of(
        row("an operator Hubel does not know", m -> {
          node(m, "Relu").setOpType("Sigmoid");
          return m;
        }, "node 2 'RELU1/Relu' (Sigmoid): operator Sigmoid is not supported; Hubel reads: Add, AveragePool, BatchNormalization,", "Transpose, Unsqueeze"),
        row("an operator of another domain", m -> {
          node(m, "Relu").setDomain("com.example");
          return m;
        }, "(Relu): operator com.example.Relu is not supported; Hubel reads these of the default domain: Add,"),
        row("raw data shorter than the shape", m -> {
          TensorProto.Builder w = initializer(m, "CONV1.weight");
          w.setRawData(w.getRawData().substring(0, w.getRawData().size() - 4));
          return m;
        }, "initializer 'CONV1.weight': declares shape [4, 3, 3, 3] of FLOAT (432 bytes) but holds 428 bytes of raw data"),
        row("typed data longer than the shape", m -> {
          initializer(m, "CONV1.bias").clearRawData().addAllFloatData(List.of(1f, 2f, 3f, 4f, 5f));
          return m;
        }, "initializer 'CONV1.bias': declares shape [4] (4 values) but holds 5 values"),
        row("a negative dimension", m -> {
          initializer(m, "CONV1.bias").setDims(0, -4);
          return m;
        }, "initializer 'CONV1.bias': dimension 0 is -4; a tensor's dimensions must be 0 to"),
        row("a shape too large to hold", m -> {
          initializer(m, "CONV1.bias").setDims(0, 1L << 40);
          return m;
        }, "initializer 'CONV1.bias': dimension 0 is 1099511627776"),
        row("an element type Hubel does not read", m -> {
          initializer(m, "CONV1.bias").setDataType(TensorProto.DataType.STRING_VALUE);
          return m;
        }, "initializer 'CONV1.bias': element type STRING is not supported; Hubel reads FLOAT, DOUBLE, INT32 and INT64 tensors"),
        row("external data above the model's folder", m -> {
          external(m, "../outside.bin", 0);
          return m;
        }, "initializer 'CONV1.weight': its external data location '../outside.bin' points outside the model's folder"),
        row("external data at an absolute path", m -> {
          external(m, "/etc/hostname", 0);
          return m;
        }, "its external data location '/etc/hostname' points outside the model's folder"),
        row("external data past the end of its file", m -> {
          external(m, "weights.bin", 400);  // weights.bin has 512 bytes; the weight needs 432 from 400
          return m;
        }, "its external data, 432 bytes from offset 400, runs past the end of", "weights.bin (512 bytes)"),
        row("external data of the wrong length", m -> {
          external(m, "weights.bin", 0).addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("100"));
          return m;
        }, "its external data is 100 bytes long; its shape needs 432"),
        row("an external data file that is not there", m -> {
          external(m, "missing.bin", 0);
          return m;
        }, "its external data file", "missing.bin does not exist"),
        row("an LRN of even size", m -> {
          NodeProto.Builder n = node(m, "LRN");
          for (int i = 0; i < n.getAttributeCount(); i++) {
            if (n.getAttribute(i).getName().equals("size")) n.setAttribute(i, n.getAttribute(i).toBuilder().setI(4));
          }
          return m;
        }, "(LRN): LRN of even size 4: ONNX centres the window one channel later than PyTorch and Hubel"),
        row("dilated convolution", m -> {
          setInts(node(m, "Conv"), "dilations", 2, 2);
          return m;
        }, "(Conv): dilations [2, 2]; Hubel's windows are not dilated (use 1)"),
        row("padding Hubel cannot match", m -> {
          setInts(node(m, "Conv"), "pads", 1, 1, 3, 3);
          return m;
        }, "(Conv): pads [1, 1, 3, 3] at stride 1 give a number of windows that Hubel's convolution"),
        row("padding that differs between height and width", m -> {
          setInts(node(m, "MaxPool"), "pads", 0, 1, 0, 1);
          return m;
        }, "(MaxPool): pads [0, 1, 0, 1] differ between the axes; Hubel's max pooling pads height and width alike"),
        row("a rectangular pooling window", m -> {
          setInts(node(m, "MaxPool"), "kernel_shape", 2, 1);
          return m;
        }, "(MaxPool): a 2x1 window; Hubel pools with square windows"),
        row("an operator set too new", m -> {
          m.setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(99));
          return m;
        }, "uses operator set 99; Hubel reads 7 to 21 (re-export with opset_version in that range)"),
        row("two outputs", m -> {
          m.getGraphBuilder().addOutput(m.getGraph().getOutput(0));
          return m;
        }, "the graph has 2 outputs; Hubel reads models with one output (the scores)"),
        row("an input of open size", m -> {
          ValueInfoProto.Builder in = m.getGraphBuilder().getInputBuilder(0);
          in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(2, TensorShapeProto.Dimension.newBuilder().setDimParam("H"));
          return m;
        }, "input 'input': dimension 2 is 'H', not a number; Hubel builds for a fixed input size: give one when loading"),
        row("nodes out of order", m -> {
          List<NodeProto> nodes = new ArrayList<>(m.getGraph().getNodeList());
          java.util.Collections.reverse(nodes);
          m.getGraphBuilder().clearNode().addAllNode(nodes);
          return m;
        }, "node 0 'output/Gemm' (Gemm): input 'output.flat' is not the graph's input, an initializer, or the output of an earlier node"),
        row("a Softmax inside the model", m -> {
          node(m, "Relu").setOpType("Softmax");
          return m;
        }, "(Softmax): Softmax inside the model or over part of an example; Hubel reads it only as the model's last step"),
        row("a weight computed from the input", m -> {
          node(m, "Conv").setInput(1, "input");
          return m;
        }, "(Conv): input 1 ('input') is computed from the model's input; Hubel needs it to be a constant"),
        row("class names that are not a list", m -> {
          m.addMetadataProps(StringStringEntryProto.newBuilder().setKey("hubel.class_names").setValue("{\"a\": 1}"));
          return m;
        }, "metadata 'hubel.class_names' must be a JSON list of at most 3 strings, one per output"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("spoiled")
  void refusesWithAClearMessage(String what, UnaryOperator<ModelProto.Builder> spoil, String[] message) throws IOException {
    Files.write(dir.resolve("weights.bin"), new byte[512]);
    Path file = dir.resolve("model.onnx");
    Files.write(file, spoil.apply(base().toBuilder()).build().toByteArray());
    assertThatThrownBy(() -> OnnxImport.load(file)).isInstanceOf(OnnxException.class).hasMessageStartingWith(file.toString())
        .hasMessageContainingAll(message);
  }

  @Test
  void theBaseFileItselfLoads() throws IOException {
    Path file = dir.resolve("model.onnx");
    Files.write(file, base().toByteArray());
    assertThat(OnnxImport.load(file).paramCount()).isEqualTo(4 * 27 + 4 + 8 + 4 * 4 * 4 * 3 + 3);
  }

  @Test
  void externalDataInTheFolderIsRead() throws IOException {
    ModelProto.Builder m = base().toBuilder();
    ByteString raw = initializer(m, "CONV1.weight").getRawData();
    Files.write(dir.resolve("weights.bin"), ByteString.copyFrom(new byte[16]).concat(raw).toByteArray());
    external(m, "weights.bin", 16);
    Path file = dir.resolve("model.onnx");
    Files.write(file, m.build().toByteArray());
    float[] w = OnnxImport.load(file).params().get(0).value();
    float[] want = OnnxImport.read(base().toByteArray(), "base", "base", null, null).model().params().get(0).value();
    assertThat(w).containsExactly(want);
  }

  @Test
  void externalDataThroughALinkOutOfTheFolderIsRefused() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.write(outside.resolve("w.bin"), new byte[512]);
    Path folder = Files.createDirectories(dir.resolve("model"));
    Files.createSymbolicLink(folder.resolve("w.bin"), outside.resolve("w.bin"));
    ModelProto.Builder m = base().toBuilder();
    external(m, "w.bin", 0);
    Path file = folder.resolve("model.onnx");
    Files.write(file, m.build().toByteArray());
    assertThatThrownBy(() -> OnnxImport.load(file)).isInstanceOf(OnnxException.class)
        .hasMessageContaining("its external data location 'w.bin' points outside the model's folder");
  }

  @Test
  void truncatedFileIsRefused() throws IOException {
    byte[] whole = base().toByteArray();
    Path file = dir.resolve("cut.onnx");
    Files.write(file, Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> OnnxImport.load(file)).isInstanceOf(OnnxException.class)
        .hasMessage(file + ": is not an ONNX model, or it is truncated or damaged (While parsing a protocol message, the input ended"
            + " unexpectedly in the middle of a field.  This could mean either that the input has been truncated or that an embedded"
            + " message misreported its own length.)");
  }

  @Test
  void textIsRefused() throws IOException {
    Path file = dir.resolve("notes.onnx");
    Files.writeString(file, "these are not the weights you are looking for\n", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> OnnxImport.load(file)).isInstanceOf(OnnxException.class)
        .hasMessageStartingWith(file + ": is not an ONNX model, or it is");
  }

  @Test
  void emptyFileIsRefused() throws IOException {
    Path file = dir.resolve("empty.onnx");
    Files.write(file, new byte[0]);
    assertThatThrownBy(() -> OnnxImport.load(file)).isInstanceOf(OnnxException.class)
        .hasMessage(file + ": is not an ONNX model, or it is damaged: it has no graph");
  }

  @Test
  void missingFileAndFolderAreRefused() {
    Path missing = dir.resolve("nothing.onnx");
    assertThatThrownBy(() -> OnnxImport.load(missing)).isInstanceOf(OnnxException.class).hasMessage(missing + ": no such file");
    assertThatThrownBy(() -> OnnxImport.load(dir)).isInstanceOf(OnnxException.class)
        .hasMessage(dir + ": is a folder; expected an ONNX model file");
  }
}
