package dev.hubel.tensor;

/**
 * One node's output for a whole batch, (N, ...shape), with its gradient. Allocated once when a
 * model is compiled for a batch size and reused by every step after that.
 */
public final class Tensor {
  public final Shape shape;
  /** The largest batch this tensor holds; a step may use fewer rows (the last, partial batch). */
  public final int batch;
  public final float[] value;
  /** Null where no gradient flows (the model's input). */
  public final float[] grad;

  public Tensor(Shape shape, int batch, boolean withGrad) {
    this.shape = shape;
    this.batch = batch;
    this.value = new float[Math.multiplyExact(batch, shape.size())];
    this.grad = withGrad ? new float[value.length] : null;
  }

  /** Floats in one example. */
  public int stride() {
    return shape.size();
  }
}
