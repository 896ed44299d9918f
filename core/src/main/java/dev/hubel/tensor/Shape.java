package dev.hubel.tensor;

import java.util.Arrays;

/**
 * The shape of one example, without the batch dimension. Hubel is NCHW: a rank-3 shape is
 * (C, H, W); a rank-2 shape is a sequence (C, L), channels by length, as a 1-D convolution takes
 * it (a sentence of L words, each a C-dim vector); a rank-1 shape is a vector of features.
 * Printed the way the lecture does, positions before channels: H x W x C, so that
 * {@code [28x28x6]} reads the same in code, summaries and errors, and L x C for a sequence,
 * {@code [56x300]}, as Kim (2014) writes a sentence as an n x k matrix.
 */
public record Shape(int... dims) {

  public Shape {
    if (dims.length == 0) throw new IllegalArgumentException("a shape needs at least one dimension");
    for (int d : dims) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "every dimension of a shape must be positive, received " + Arrays.toString(dims));
      }
    }
    dims = dims.clone();
  }

  /** (C, H, W): an image-like volume. */
  public static Shape chw(int c, int h, int w) {
    return new Shape(c, h, w);
  }

  /** A vector of n features. */
  public static Shape vector(int n) {
    return new Shape(n);
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int i) {
    return dims[i];
  }

  /** Number of floats in one example. */
  public int size() {
    int s = 1;
    for (int d : dims) s *= d;
    return s;
  }

  public int c() {
    requireRank3();
    return dims[0];
  }

  public int h() {
    requireRank3();
    return dims[1];
  }

  public int w() {
    requireRank3();
    return dims[2];
  }

  public boolean isVolume() {
    return dims.length == 3;
  }

  /** (C, L): a sequence of L positions with C channels each, printed LxC. */
  public static Shape sequence(int c, int length) {
    return new Shape(c, length);
  }

  public boolean isSequence() {
    return dims.length == 2;
  }

  private void requireRank3() {
    if (dims.length != 3) {
      throw new IllegalStateException("expected a CxHxW volume, this shape is " + this);
    }
  }

  @Override
  public int[] dims() {
    return dims.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /**
   * The lecture's notation: {@code 28x28x6} for (C=6, H=28, W=28); {@code 56x300} for a sequence
   * (C=300, L=56); {@code 4096} for a vector. Other ranks (4-D weights) print in storage order.
   */
  @Override
  public String toString() {
    if (dims.length == 3) return dims[1] + "x" + dims[2] + "x" + dims[0];
    if (dims.length == 2) return dims[1] + "x" + dims[0];
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) sb.append('x');
      sb.append(dims[i]);
    }
    return sb.toString();
  }
}
