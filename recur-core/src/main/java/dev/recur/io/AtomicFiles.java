package dev.recur.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader, a crash or a power cut never sees a partial file: the content
 * goes to a temporary file in the target's directory, which is flushed to the device (fsync) and
 * then renamed over the target in one atomic step; the directory is then fsynced so that the
 * rename itself is durable. On any failure the temporary file is removed and the target is left
 * as it was.
 *
 * <p>The rename must be atomic ({@link StandardCopyOption#ATOMIC_MOVE}); a file system that cannot
 * do that gets an error rather than a silent non-atomic replacement. A symbolic link as target is
 * followed: the file it points to is replaced and the link stays. The directory fsync is skipped
 * where the platform cannot open a directory (Windows), which is the best the platform offers.
 */
public final class AtomicFiles {
    private static final int BUFFER = 1 << 16;

    private AtomicFiles() {}

    /** Produces the content of the file. Must not close the stream. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code target} atomically with what {@code body} produces. */
    public static void write(Path target, Body body) {
        Path file = resolveTarget(target);
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) throw new FileAccessException(target, "cannot write: directory " + dir + " does not exist");
        Path temp = null;
        try {
            temp = createTemp(dir, file.getFileName().toString());
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), BUFFER);
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new FileAccessException(target, "write", e);
        } finally {
            if (temp != null) deleteQuietly(temp);
        }
    }

    public static void writeBytes(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code text} as UTF-8. */
    public static void writeString(Path target, String text) {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Path resolveTarget(Path target) {
        Path abs = target.toAbsolutePath();
        try {
            if (Files.isSymbolicLink(abs)) return abs.toRealPath();
        } catch (IOException e) {
            throw new FileAccessException(target, "resolve the link", e);
        }
        return abs;
    }

    /**
     * A new empty file next to the target. Not {@link Files#createTempFile}: that one is created
     * with owner-only permissions, which the renamed result would keep; this one gets the usual
     * defaults (the umask applies) like any newly created file.
     */
    private static Path createTemp(Path dir, String name) throws IOException {
        while (true) {
            String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
            Path p = dir.resolve("." + name + "." + suffix + ".tmp");
            try {
                Files.newByteChannel(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return p;
            } catch (FileAlreadyExistsException taken) {
                // another writer's temporary file: draw another name
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException notOnThisPlatform) {
            // Windows cannot open a directory as a channel; its rename is durable on its own terms.
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // The original failure is what the caller needs to see; a stray temp file is harmless.
        }
    }
}
