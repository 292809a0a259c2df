package dev.recur.io;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of a file (memory-mapped, so nothing is read until it is used and a header can be
 * checked against the true file length before anything is allocated) or of an in-memory resource,
 * with the name that error messages use. Closing unmaps the file; segments obtained from it must
 * not be used afterwards.
 */
public final class ByteSource implements AutoCloseable {
    private final MemorySegment bytes;
    private final String name;
    private final Arena arena;

    private ByteSource(MemorySegment bytes, String name, Arena arena) {
        this.bytes = bytes;
        this.name = name;
        this.arena = arena;
    }

    /** Maps {@code path} read-only. The mapping may be used from any thread until {@link #close}. */
    public static ByteSource map(Path path) {
        if (Files.isDirectory(path)) throw new FileAccessException(path, "cannot read: is a directory");
        // A pipe or device has no length to check a header against (and may never end).
        if (Files.exists(path) && !Files.isRegularFile(path)) throw new FileAccessException(path, "cannot read: not a regular file");
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new ByteSource(seg, path.toString(), arena);
        } catch (IOException e) {
            arena.close();
            throw new FileAccessException(path, "read", e);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Wraps an array (no copy); {@code name} identifies it in error messages. */
    public static ByteSource of(byte[] bytes, String name) {
        return new ByteSource(MemorySegment.ofArray(bytes), name, null);
    }

    /**
     * Reads a stream to its end. The memory used is what the stream holds, never what a header
     * inside it claims.
     */
    public static ByteSource read(InputStream in, String name) {
        try {
            return of(in.readAllBytes(), name);
        } catch (IOException e) {
            throw new FormatException(name, "cannot read: " + e.getMessage(), e);
        }
    }

    public MemorySegment bytes() {
        return bytes;
    }

    public long size() {
        return bytes.byteSize();
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
    }
}
