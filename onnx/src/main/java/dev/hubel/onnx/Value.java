package dev.hubel.onnx;

/** What a name in an ONNX graph stands for while it is read: a folded {@link Constant} or an {@link Activation}. */
sealed interface Value permits Constant, Activation {}
