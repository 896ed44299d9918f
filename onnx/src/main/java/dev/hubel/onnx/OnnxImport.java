package dev.hubel.onnx;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.hubel.model.Model;
import dev.hubel.onnx.proto.OnnxProto.ModelProto;
import dev.hubel.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.hubel.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.hubel.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Reads an ONNX model (made by PyTorch, by Hubel's {@link OnnxExport}, or by any exporter that
 * uses the operators of {@link #supportedOperators()}) as a Hubel {@link Model}: layers, weights,
 * and the input normalisation and class names where the file has them. The model can then be
 * trained, saved as a Hubel model file, or used to predict.
 *
 * <p>Hubel's models output scores: a Softmax that ends the ONNX graph is left out (its
 * {@link Model#predict} applies one), and a Sub/Div of the input by per-channel constants becomes
 * the model's {@link Model#normalization()}, which predict applies as the ONNX graph did.
 */
public final class OnnxImport {
  private OnnxImport() {}

  /** Protobuf's own limit for one message; larger models keep their weights as external data. */
  public static final long MAX_FILE_BYTES = Integer.MAX_VALUE;
  /** The operator-set versions read (opset 7 is ONNX 1.2, 2018). */
  public static final int MIN_OPSET = 7, MAX_OPSET = 21;
  static final String CLASS_NAMES = "hubel.class_names";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A model read, and what a user should know about how (a Softmax left out, a normalisation taken in). */
  public record Result(Model model, List<String> notes) {}

  /** The operators of the default ONNX domain that Hubel reads. */
  public static Set<String> supportedOperators() {
    return Collections.unmodifiableSet(GraphReader.SUPPORTED);
  }

  /** The model in an ONNX file, at the input size the file gives. */
  public static Model load(Path file) {
    return read(file, null).model();
  }

  /**
   * The model in an ONNX file, built for one example of {@code input} (C x H x W) where the file
   * leaves the size open; null takes the file's. External data is read from the file's folder.
   */
  public static Result read(Path file, Shape input) {
    if (Files.isDirectory(file)) throw new OnnxException(file + ": is a folder; expected an ONNX model file");
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new OnnxException(file + ": no such file");
    } catch (IOException e) {
      throw new OnnxException(file + ": cannot read: " + e, e);
    }
    if (size > MAX_FILE_BYTES) {
      throw new OnnxException(file + ": is " + size + " bytes; an ONNX file holds at most 2 GB (larger models keep their weights as external data)");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new OnnxException(file + ": cannot read: " + e, e);
    }
    String base = file.getFileName() == null ? "model" : file.getFileName().toString().replaceFirst("\\.onnx$", "");
    Path folder = file.toAbsolutePath().getParent();
    return read(bytes, file.toString(), base, folder, input);
  }

  /**
   * The model in ONNX bytes. {@code source} names them in messages; {@code folder} is where
   * external data may lie (null: none may be used); {@code input} as in {@link #read(Path, Shape)}.
   */
  public static Result read(byte[] bytes, String source, String fallbackName, Path folder, Shape input) {
    ModelProto proto = parse(bytes, source);
    int opset = opset(proto, source);
    GraphReader reader = new GraphReader(source, folder, proto.getGraph(), opset, input);
    String name = proto.getGraph().getName().isBlank() ? fallbackName : proto.getGraph().getName();
    Model model = reader.read(name);
    List<String> notes = new ArrayList<>();
    if (reader.softmaxLeftOut()) {
      notes.add("left out the final Softmax: the model outputs scores, and predict applies the softmax");
    }
    if (model.normalization() != null) notes.add("read the input's Sub/Div as the model's normalisation (" + model.normalization() + ")");
    for (StringStringEntryProto e : proto.getMetadataPropsList()) {
      if (e.getKey().equals(CLASS_NAMES)) model.setClassNames(classNames(e.getValue(), model, source));
    }
    return new Result(model, List.copyOf(notes));
  }

  static ModelProto parse(byte[] bytes, String source) {
    ModelProto proto;
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setSizeLimit(bytes.length);
      proto = ModelProto.parseFrom(in);
      in.checkLastTagWas(0);
    } catch (InvalidProtocolBufferException e) {
      throw new OnnxException(source + ": is not an ONNX model, or it is truncated or damaged (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new OnnxException(source + ": cannot read: " + e, e);
    }
    if (proto.getIrVersion() < 3 || !proto.hasGraph()) {
      throw new OnnxException(source + ": is not an ONNX model, or it is damaged: " + (!proto.hasGraph() ? "it has no graph"
          : "its IR version is " + proto.getIrVersion() + " (Hubel reads 3 and later)"));
    }
    return proto;
  }

  private static int opset(ModelProto proto, String source) {
    for (OperatorSetIdProto o : proto.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        long v = o.getVersion();
        if (v < MIN_OPSET || v > MAX_OPSET) {
          throw new OnnxException(source + ": uses operator set " + v + "; Hubel reads " + MIN_OPSET + " to " + MAX_OPSET
              + " (re-export with opset_version in that range)");
        }
        return (int) v;
      }
    }
    throw new OnnxException(source + ": imports no version of the default operator set (opset_import); expected one from " + MIN_OPSET + " to " + MAX_OPSET);
  }

  private static List<String> classNames(String json, Model model, String source) {
    try {
      List<String> names = JSON.readValue(json, new TypeReference<List<String>>() {});
      if (names == null || names.contains(null) || names.size() > model.outputShape().size()) throw new IllegalArgumentException();
      return names;
    } catch (JacksonException | IllegalArgumentException e) {
      throw new OnnxException(source + ": metadata '" + CLASS_NAMES + "' must be a JSON list of at most " + model.outputShape().size()
          + " strings, one per output");
    }
  }
}
