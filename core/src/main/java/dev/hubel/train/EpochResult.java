package dev.hubel.train;

/** What one epoch of training did: mean loss and accuracy over its batches, and its speed. */
public record EpochResult(int epoch, int epochs, double loss, double accuracy, double imagesPerSecond, double seconds) {}
