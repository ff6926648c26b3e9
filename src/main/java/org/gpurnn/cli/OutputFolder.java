package org.gpurnn.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The checkpoint folder of a training run, checked before any work is done: it is a folder (made if
 * missing), it is writable, no other run is writing to it (a lock held for the whole run), and it
 * holds no checkpoints of an earlier run unless they may be replaced. Closing it removes the lock file,
 * and the folder too when this run made it and left nothing in it.
 */
final class OutputFolder implements AutoCloseable {

    static final String LOCK = ".gpurnn-train.lock";
    static final List<String> CHECKPOINTS = List.of("latest.safetensors", "best.safetensors");

    private final Path dir;
    private final boolean created;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private OutputFolder(Path dir, boolean created, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.created = created;
        this.channel = channel;
        this.lock = lock;
    }

    static OutputFolder claim(Path dir, boolean overwrite) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new Main.UserException("--out " + dir + " is a file, not a folder; pass a folder for the checkpoints");
        }
        boolean created = !Files.exists(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new Main.UserException("--out " + dir + ": cannot create the folder (" + reason(e)
                    + "); pass a folder you can write to");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new Main.UserException("--out " + dir + " is not writable (" + reason(e)
                    + "); pass a folder you can write to");
        }
        FileLock lk;
        try {
            lk = ch.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            lk = null;
        }
        if (lk == null) {
            closeQuietly(ch);
            throw new Main.UserException("another gpurnn train is writing to " + dir + "; pass another --out");
        }
        List<String> existing = new ArrayList<>();
        for (String name : CHECKPOINTS) {
            if (Files.exists(dir.resolve(name))) {
                existing.add(name);
            }
        }
        OutputFolder folder = new OutputFolder(dir, created, ch, lk);
        if (!existing.isEmpty() && !overwrite) {
            folder.close();
            throw new Main.UserException(dir + " already holds " + String.join(" and ", existing)
                    + " from an earlier run; pass --overwrite to replace " + (existing.size() == 1 ? "it" : "them")
                    + ", or another --out");
        }
        return folder;
    }

    /**
     * Whether {@code dir} holds checkpoints and all of them were saved by the training run {@code runId}
     * (which a resumed run continues; checkpoints carry the id of their run).
     */
    static boolean holdsOnlyRun(Path dir, String runId) {
        if (runId == null) {
            return false;
        }
        boolean any = false;
        for (String name : CHECKPOINTS) {
            Path p = dir.resolve(name);
            if (!Files.exists(p)) {
                continue;
            }
            any = true;
            try {
                if (!runId.equals(org.gpurnn.model.Snapshot.runIdOf(p))) {
                    return false;
                }
            } catch (org.gpurnn.io.CheckpointException unreadable) {
                return false;  // damaged or foreign: not this run's
            }
        }
        return any;
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2");
        return m == null ? kind.toLowerCase(java.util.Locale.ROOT) : kind.toLowerCase(java.util.Locale.ROOT) + ": " + m;
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // Nothing more to do with a lock file we could not use.
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Delete before releasing: a run that starts meanwhile cannot lock the file while we hold it.
        try {
            Files.deleteIfExists(dir.resolve(LOCK));
        } catch (IOException ignored) {
            // A lock file left behind is harmless: the next run locks it again.
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases it too.
        }
        closeQuietly(channel);
        if (created) {
            try {
                Files.deleteIfExists(dir);  // only succeeds when the folder is empty
            } catch (IOException ignored) {
                // Not empty: it holds what this run saved.
            }
        }
    }
}
