package dev.hubel.onnx;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubel.io.AtomicFile;
import dev.hubel.model.Model;
import dev.hubel.onnx.proto.OnnxProto.ModelProto;
import dev.hubel.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.hubel.onnx.proto.OnnxProto.StringStringEntryProto;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;

/**
 * Writes a Hubel model as a standard ONNX model (opset 13, IR version 7) that ONNX Runtime, and
 * any tool that reads ONNX, runs as Hubel does. The graph takes a batch of inputs as they come from
 * the data set, (N, C, H, W) with N left open, and gives the model's scores (logits), as Hubel's
 * forward pass does; take a softmax for probabilities, as {@link Model#predict} does.
 *
 * <p>The model's normalisation, where it has one, is written as Sub and Div nodes at the input, so
 * the file needs no preprocessing that lives outside it. Class names go to the metadata
 * ({@code hubel.class_names}, a JSON list), the layer table to the graph's doc string.
 */
public final class OnnxExport {
  private OnnxExport() {}

  public static final int OPSET = 13;
  public static final int IR_VERSION = 7;
  private static final ObjectMapper JSON = new ObjectMapper();

  public static ModelProto toProto(Model model) {
    ModelProto.Builder m = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("Hubel")
        .setProducerVersion("0.1.0")
        .setModelVersion(1)
        .setDocString(model.summary())
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(new GraphWriter(model).write());
    if (model.classNames() != null) {
      try {
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(OnnxImport.CLASS_NAMES).setValue(JSON.writeValueAsString(model.classNames())));
      } catch (JacksonException e) {
        throw new IllegalStateException("class names of " + model.name() + " are not JSON", e);
      }
    }
    return m.build();
  }

  public static byte[] toBytes(Model model) {
    return toProto(model).toByteArray();
  }

  /** Writes the model to {@code file} atomically: a crash mid-write leaves any previous file whole. */
  public static void save(Model model, Path file) {
    ModelProto proto = toProto(model);
    if (proto.getSerializedSize() < 0 || (long) proto.getSerializedSize() > OnnxImport.MAX_FILE_BYTES) {
      throw new OnnxException(model.name() + ": its ONNX form is larger than 2 GB, protobuf's limit for one file");
    }
    AtomicFile.write(file, channel -> {
      OutputStream out = Channels.newOutputStream(channel);
      proto.writeTo(out);
      out.flush();
    });
  }
}
