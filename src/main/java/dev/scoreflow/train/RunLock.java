package dev.scoreflow.train;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a run folder ({@code .lock} in it), held while a trainer writes there:
 * two trainers on one folder would interleave their checkpoints and metrics. The operating
 * system drops the lock when the process ends, however it ends, so a crash or a kill leaves no
 * stale lock behind.
 */
public final class RunLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks {@code folder} (created if missing) or says which process-level lock is in the way. */
  public static RunLock acquire(Path folder) throws IOException {
    Files.createDirectories(folder);
    Path file = folder.resolve(".lock");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) { // held by this very process
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IllegalArgumentException("--out " + folder + " is in use by another training run ("
          + file + " is locked); wait for it to end or choose another --out");
    }
    return new RunLock(channel, lock);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
