package dev.hubel.zoo;

import static dev.hubel.model.Layers.conv2d;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.relu;
import static dev.hubel.model.Layers.spatialSoftmax;

import dev.hubel.model.Model;
import dev.hubel.model.Node;

/**
 * The policy network of AlphaGo (Silver et al., 2016), as the lecture's table gives it: the board
 * as 19x19 points of 48 feature planes, 13 convolutions (ReLU after all but the last) that keep
 * the board's size, and a softmax over the 19x19 board: the probability of each move.
 *
 * <p>The paper gives its last 1x1 convolution a separate bias for each of the 361 points; this
 * one has one bias, as the lecture's "1 1x1 filter" (a constant bias changes no softmax, so the
 * paper's 361 biases are what a learned per-point prior would need). A move's class is
 * {@code row * size + column}.
 */
public final class AlphaGoPolicy {
  private AlphaGoPolicy() {}

  public static final int BOARD = 19;
  public static final int PLANES = 48;
  public static final int FILTERS = 192;

  public static Model build() {
    return build(BOARD, FILTERS);
  }

  /** @param filters k in the paper, which tried 128, 192 (the match version), 256 and 384 */
  public static Model build(int board, int filters) {
    Node x = input(PLANES, board, board);                             // [19x19x48]
    x = relu(conv2d(x, filters, 5, 1, 2));                            // [19x19x192]  CONV1
    for (int layer = 2; layer <= 12; layer++) x = relu(conv2d(x, filters, 3, 1, 1)); // [19x19x192]  CONV2..CONV12
    x = conv2d(x, 1, 1, 1, 0);                                        // [19x19x1]    CONV13
    x = spatialSoftmax(x);                                            // [361]        SOFTMAX1
    return Model.of("AlphaGo policy", x);
  }
}
