package dev.recur.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void createsAndReplacesWithoutLeavingTemporaryFiles() throws Exception {
        Path f = dir.resolve("a.txt");
        AtomicFiles.writeString(f, "first");
        assertEquals("first", Files.readString(f));
        AtomicFiles.writeString(f, "second, longer");
        assertEquals("second, longer", Files.readString(f));
        AtomicFiles.writeBytes(f, new byte[0]);
        assertEquals(0, Files.size(f));
        assertEquals(List.of("a.txt"), names());
    }

    @Test
    void failedWriteLeavesTheOldFileAndNoTemporary() throws Exception {
        Path f = dir.resolve("model.bin");
        AtomicFiles.writeString(f, "good");
        FileAccessException io = assertThrows(FileAccessException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        }));
        assertEquals(f.toAbsolutePath() + ": cannot write: No space left on device", io.getMessage());
        IllegalStateException bug = new IllegalStateException("encoder failed");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw bug;
        })));
        assertEquals("good", Files.readString(f));
        assertEquals(List.of("model.bin"), names());
    }

    @Test
    void missingDirectoryIsAnError() {
        Path f = dir.resolve("no/such/dir/x.bin");
        FileAccessException e = assertThrows(FileAccessException.class, () -> AtomicFiles.writeString(f, "x"));
        IoFixtures.assertMessage(e, f.toString(), "does not exist");
    }

    @Test
    void directoryTargetIsAnErrorAndStaysADirectory() throws Exception {
        Path d = Files.createDirectory(dir.resolve("sub"));
        FileAccessException e = assertThrows(FileAccessException.class, () -> AtomicFiles.writeString(d, "x"));
        IoFixtures.assertMessage(e, d.toString(), "cannot write");
        assertTrue(Files.isDirectory(d));
        assertEquals(List.of("sub"), names());
    }

    @Test
    void followsASymbolicLinkAndKeepsIt() throws Exception {
        Path real = dir.resolve("real.txt");
        Path link = dir.resolve("link.txt");
        Files.writeString(real, "old");
        Files.createSymbolicLink(link, real.getFileName());
        AtomicFiles.writeString(link, "new");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
    }

    @Test
    void newFilesGetTheUsualPermissions() throws Exception {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
        Path plain = Files.createFile(dir.resolve("plain"));
        Path atomic = dir.resolve("atomic");
        AtomicFiles.writeString(atomic, "x");
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        assertEquals(expected, Files.getPosixFilePermissions(atomic));
    }

    /** A reader running beside a writer only ever sees one whole version of the file. */
    @Test
    void readersNeverSeeAPartialFile() throws Exception {
        Path f = dir.resolve("shared.bin");
        byte[] a = new byte[256 * 1024];
        byte[] b = new byte[128 * 1024];
        Arrays.fill(a, (byte) 'a');
        Arrays.fill(b, (byte) 'b');
        AtomicFiles.writeBytes(f, a);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try {
                    byte[] got = Files.readAllBytes(f);
                    reads.incrementAndGet();
                    if (!Arrays.equals(got, a) && !Arrays.equals(got, b)) failure.set("saw a partial file of " + got.length + " bytes");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        reader.start();
        for (int i = 0; i < 40; i++) AtomicFiles.writeBytes(f, i % 2 == 0 ? b : a);
        done.set(true);
        reader.join();
        assertNull(failure.get());
        assertTrue(reads.get() > 0);
        assertArrayEquals(a, Files.readAllBytes(f));
    }
}
