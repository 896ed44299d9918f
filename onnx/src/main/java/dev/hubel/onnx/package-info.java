/** ONNX export and import of Hubel models. */
package dev.hubel.onnx;
