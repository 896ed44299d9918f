package dev.hubel.io;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a file all or nothing: the bytes go to a temporary file beside the target, are forced to
 * disk, and only then renamed over it. A process that dies mid-write leaves the last complete file
 * in place (and a {@code .partial} file beside it); a reader never sees half a file.
 */
public final class AtomicFile {
  private static final AtomicLong COUNTER = new AtomicLong();

  private AtomicFile() {}

  /** What writes the file's content, from the start of an empty channel. */
  @FunctionalInterface
  public interface Content {
    void writeTo(FileChannel channel) throws IOException;
  }

  public static void write(Path target, Content content) {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    if (Files.isDirectory(absolute)) throw new ModelFileException(target, "is a folder; expected a file name to write");
    if (dir == null || !Files.isDirectory(dir)) throw new ModelFileException(target, "cannot write: the folder " + dir + " does not exist");
    Path temp = null;
    try {
      temp = createTemp(dir, absolute.getFileName().toString());
      try (FileChannel channel = FileChannel.open(temp, WRITE)) {
        content.writeTo(channel);
        channel.force(true);  // the bytes are on disk before the name points at them
      }
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
      temp = null;
      forceFolder(dir);
    } catch (IOException e) {
      throw new ModelFileException(target, "cannot write: " + e, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the write already failed; a leftover .partial file is harmless
        }
      }
    }
  }

  /**
   * A new file beside the target: same folder, so the rename cannot cross file systems; created
   * with the default permissions (Files.createTempFile would make a model file private to its owner).
   */
  private static Path createTemp(Path dir, String name) throws IOException {
    while (true) {
      Path temp = dir.resolve("." + name + "." + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + ".partial");
      try {
        Files.newByteChannel(temp, CREATE_NEW, WRITE).close();
        return temp;
      } catch (FileAlreadyExistsException taken) {
        // left by a crashed process with our pid; try the next number
      }
    }
  }

  /** Makes the rename itself durable; folders cannot be opened on some systems (Windows), where this is skipped. */
  private static void forceFolder(Path dir) {
    try (FileChannel folder = FileChannel.open(dir, READ)) {
      folder.force(true);
    } catch (IOException | UnsupportedOperationException notSupported) {
      // the file's content is already forced; only the rename's durability depends on this
    }
  }
}
