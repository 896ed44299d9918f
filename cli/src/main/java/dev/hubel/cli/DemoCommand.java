package dev.hubel.cli;

import dev.hubel.data.Dataset;
import dev.hubel.data.FashionMnist;
import dev.hubel.kernel.WorkerPool;
import dev.hubel.model.Init;
import dev.hubel.model.Model;
import dev.hubel.train.EpochResult;
import dev.hubel.train.TrainConfig;
import dev.hubel.train.Trainer;
import dev.hubel.zoo.LeNet5;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Train LeNet-5 on Fashion-MNIST (Debian's dataset-fashion-mnist) and report its test accuracy.")
final class DemoCommand implements Runnable {

  @Option(names = "--data", paramLabel = "DIR", description = "Folder with the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
  Path data = FashionMnist.DEFAULT_DIR;

  @Option(names = "--epochs", description = "Epochs to train (default: ${DEFAULT-VALUE}).")
  int epochs = 2;

  @Option(names = "--lr", description = "Learning rate of SGD (default: ${DEFAULT-VALUE}).")
  float lr = TrainConfig.defaults().learningRate();

  @Option(names = "--lr-decay", paramLabel = "F", description = "Multiply the learning rate by F after every epoch (default: ${DEFAULT-VALUE}).")
  float lrDecay = TrainConfig.defaults().lrDecay();

  @Option(names = "--batch", description = "Examples per step (default: ${DEFAULT-VALUE}).")
  int batch = TrainConfig.defaults().batch();

  @Option(names = "--seed", description = "Seed for the weights and the shuffling (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Mixin
  ThreadsOption threads;

  @Override
  public void run() {
    threads.apply();
    Dataset rawTrain = FashionMnist.train(data);
    Dataset rawTest = FashionMnist.test(data);
    float[] stats = rawTrain.meanStd(); // normalise both splits with the training set's statistics
    Dataset train = rawTrain.padded(2).normalized(stats[0], stats[1]); // pad first: the border is background
    Dataset test = rawTest.padded(2).normalized(stats[0], stats[1]);
    Model model = LeNet5.build().initialize(Init.HE, seed);
    TrainConfig d = TrainConfig.defaults();
    TrainConfig cfg = new TrainConfig(epochs, batch, lr, d.momentum(), d.weightDecay(), lrDecay, seed);
    System.out.printf(Locale.ROOT, "LeNet-5 on Fashion-MNIST: %,d training and %,d test images, %d epochs, batch %d, "
            + "SGD lr %s (x%s per epoch) momentum %s weight decay %s, %d threads%n",
        train.size(), test.size(), cfg.epochs(), cfg.batch(), cfg.learningRate(), cfg.lrDecay(), cfg.momentum(), cfg.weightDecay(),
        WorkerPool.shared().threads());
    Trainer.fit(model, train, cfg, DemoCommand::printEpoch);
    double acc = Trainer.accuracy(model, test, 256);
    System.out.printf(Locale.ROOT, "test accuracy: %.2f%%%n", acc * 100);
  }

  static void printEpoch(EpochResult r) {
    System.out.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  accuracy %.2f%%  %,.0f images/s  %.1f s%n",
        r.epoch(), r.epochs(), r.loss(), r.accuracy() * 100, r.imagesPerSecond(), r.seconds());
  }
}
