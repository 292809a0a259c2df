package dev.recur.io;

import dev.recur.RecurException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file that could not be read or written (missing, not permitted, disk full): a user error with a
 * one-line message naming the file, as opposed to {@link FormatException} for a file that was read
 * but is not what it claims to be.
 */
public final class FileAccessException extends RecurException {
    private final Path path;

    public FileAccessException(Path path, String action, IOException cause) {
        super(path + ": cannot " + action + ": " + reason(cause), cause);
        this.path = path;
    }

    public FileAccessException(Path path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** The JDK's messages for file system errors repeat the path; say only what went wrong. */
    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException fse && fse.getReason() != null) return fse.getReason();
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
