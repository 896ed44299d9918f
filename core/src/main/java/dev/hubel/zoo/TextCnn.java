package dev.hubel.zoo;

import static dev.hubel.model.Layers.concat;
import static dev.hubel.model.Layers.conv1d;
import static dev.hubel.model.Layers.dense;
import static dev.hubel.model.Layers.dropout;
import static dev.hubel.model.Layers.embedding;
import static dev.hubel.model.Layers.input;
import static dev.hubel.model.Layers.maxOverTime;
import static dev.hubel.model.Layers.relu;

import dev.hubel.model.Model;
import dev.hubel.model.Node;
import dev.hubel.tensor.Shape;

/**
 * The sentence classifier of Kim, "Convolutional Neural Networks for Sentence Classification"
 * (2014), CNN-rand: a sentence of L token ids looks up a 300-dim vector per word; filters 3, 4
 * and 5 words wide (100 of each) slide over it, each followed by ReLU and max-over-time pooling;
 * the 300 features are concatenated and a fully connected layer scores the classes.
 *
 * <p>Defaults: sentences of at most 56 tokens (the longest in Kim's MR movie-review set; shorter
 * ones are padded with a padding token's id), a vocabulary of 20,000 tokens (MR has 18,765 words),
 * 2 classes. The convolutions are narrow (no padding), so the three maps are 54, 53 and 52 long;
 * Kim's code instead pads each sentence with 4 padding tokens at each end, which a caller can do
 * by passing L + 8. The word vectors start at random and are trained with the rest (CNN-rand);
 * loading word2vec into EMBED1 gives CNN-non-static.
 */
public final class TextCnn {
  private TextCnn() {}

  public static final int SENTENCE_LENGTH = 56;
  public static final int VOCABULARY = 20_000;
  public static final int EMBEDDING_DIM = 300;
  public static final int CLASSES = 2;

  public static Model build() {
    return build(VOCABULARY, SENTENCE_LENGTH, EMBEDDING_DIM, CLASSES);
  }

  public static Model build(int vocabulary, int length, int dim, int classes) {
    Node x = input(Shape.vector(length));                        // [56]       token ids
    Node words = embedding(x, vocabulary, dim);                  // [56x300]   EMBED1
    Node three = maxOverTime(relu(conv1d(words, 100, 3, 1, 0))); // [100]      CONV1 [54x100], MAX OVER TIME1
    Node four = maxOverTime(relu(conv1d(words, 100, 4, 1, 0)));  // [100]      CONV2 [53x100], MAX OVER TIME2
    Node five = maxOverTime(relu(conv1d(words, 100, 5, 1, 0)));  // [100]      CONV3 [52x100], MAX OVER TIME3
    x = concat(three, four, five);                               // [300]      CONCAT1
    x = dropout(x, 0.5);                                         // [300]      DROPOUT1 (training only)
    x = dense(x, classes);                                       // [2]        FC4
    return Model.of("TextCNN", x);
  }
}
