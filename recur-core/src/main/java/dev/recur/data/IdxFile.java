package dev.recur.data;

import dev.recur.io.FileAccessException;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * An IDX file of unsigned bytes (the MNIST / Fashion-MNIST format), optionally gzip-compressed:
 * a magic number {@code 0x0000_08_NN} (type 0x08 = unsigned byte, NN dimensions), the dimensions
 * as big-endian 32-bit integers, then the data in row-major order.
 */
public record IdxFile(int[] shape, byte[] data) {
    public int count() {
        return shape[0];
    }

    /** Values per item (28 × 28 for an image file, 1 for a label file). */
    public int itemSize() {
        int n = 1;
        for (int i = 1; i < shape.length; i++) n *= shape[i];
        return n;
    }

    public int get(int i) {
        return data[i] & 0xff;
    }

    public static IdxFile read(Path path) {
        String src = path.toString();
        try (InputStream raw = Files.newInputStream(path);
             InputStream in = src.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             DataInputStream d = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16))) {
            int magic = d.readInt();
            if ((magic >>> 8) != 0x08 || (magic & 0xff) < 1 || (magic & 0xff) > 4) {
                throw new DataException(src, String.format("not an IDX file of unsigned bytes (magic 0x%08x, expected 0x000008NN)", magic));
            }
            int[] shape = new int[magic & 0xff];
            long total = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = d.readInt();
                if (shape[i] < 0) throw new DataException(src, "negative dimension " + shape[i]);
                total *= shape[i];
                if (total > Integer.MAX_VALUE - 16) throw new DataException(src, "too large: " + total + " values");
            }
            byte[] data = new byte[(int) total];
            d.readFully(data);
            if (d.read() != -1) throw new DataException(src, "has bytes after the " + total + " values its header announces");
            return new IdxFile(shape, data);
        } catch (EOFException e) {
            throw new DataException(src, "truncated: shorter than its header announces");
        } catch (java.util.zip.ZipException e) {
            throw new DataException(src, "not a valid gzip file: " + e.getMessage());
        } catch (IOException e) {
            throw new FileAccessException(path, "read", e);
        }
    }
}
