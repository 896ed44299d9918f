package dev.hubel.cli;

import dev.hubel.kernel.WorkerPool;
import picocli.CommandLine.Option;

/** {@code --threads N}, shared by every command that computes: sizes the shared worker pool. */
final class ThreadsOption {

  @Option(names = "--threads", description = "Worker threads (default: the number of cores, or HUBEL_THREADS).")
  Integer threads;

  /** Call before any model is compiled: plans bind to the pool that is shared when they are made. */
  void apply() {
    if (threads == null) return;
    if (threads < 1) throw new UserException("--threads must be at least 1, received " + threads);
    WorkerPool.setSharedThreads(threads);
  }
}
