package dev.hubel.examples;

import dev.hubel.data.Dataset;
import dev.hubel.data.FashionMnist;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.train.TrainConfig;
import dev.hubel.train.Trainer;
import dev.hubel.zoo.LeNet5;
import java.nio.file.Path;

/**
 * The README's Java example. The lines between the README markers are copied into README.md
 * verbatim, and a test checks that they still are, so the README never shows code that does
 * not compile or run.
 */
public final class QuickStart {
  private QuickStart() {}

  public static void main(String[] args) {
    Path dir = args.length > 0 ? Path.of(args[0]) : FashionMnist.DEFAULT_DIR;
    // README:begin
    Dataset train = FashionMnist.train(dir).padded(2);   // 28x28 images, padded to LeNet's 32x32
    Dataset test = FashionMnist.test(dir).padded(2);

    Model lenet = LeNet5.build().initialize(Init.HE, 42);
    System.out.print(lenet.summary());

    TrainConfig cfg = new TrainConfig(1, 32, 0.01f, 0.9f, 5e-4f, 42); // epochs, batch, lr, momentum, decay, seed
    Trainer.fit(lenet, train, cfg, epoch -> System.out.println(epoch));
    System.out.printf("test accuracy: %.2f%%%n", 100 * Trainer.accuracy(lenet, test, 256));

    float[] probs = lenet.predict(test.example(0));       // class probabilities for one image
    int best = 0;
    for (int k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
    System.out.println("first test image: " + test.classNames()[best]);
    // README:end
  }
}
