package dev.recur.io;

import dev.recur.tensor.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes arrays as little-endian bytes through a bounded buffer (no full-size byte copy). */
public final class LittleEndian {
    private static final int CHUNK_BYTES = 1 << 16;

    private LittleEndian() {}

    /** Puts elements {@code [from, from + count)} of some array into {@code buf}. */
    private interface Chunk {
        void put(ByteBuffer buf, int from, int count);
    }

    /** The tensor's elements in row-major order, whatever its strides. */
    public static void writeFloats(OutputStream out, Tensor t) throws IOException {
        Tensor c = t.contiguous();
        writeFloats(out, c.data(), c.offset(), c.numel());
    }

    public static void writeFloats(OutputStream out, float[] a, int off, int n) throws IOException {
        write(out, n, Float.BYTES, (buf, from, count) -> buf.asFloatBuffer().put(a, off + from, count));
    }

    public static void writeInts(OutputStream out, int[] a, int off, int n) throws IOException {
        write(out, n, Integer.BYTES, (buf, from, count) -> buf.asIntBuffer().put(a, off + from, count));
    }

    public static void writeLongs(OutputStream out, long[] a, int off, int n) throws IOException {
        write(out, n, Long.BYTES, (buf, from, count) -> buf.asLongBuffer().put(a, off + from, count));
    }

    public static void writeLong(OutputStream out, long v) throws IOException {
        out.write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    private static void write(OutputStream out, int n, int elementBytes, Chunk chunk) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int per = CHUNK_BYTES / elementBytes;
        for (int i = 0; i < n; i += per) {
            int m = Math.min(per, n - i);
            buf.clear();
            chunk.put(buf, i, m);
            out.write(buf.array(), 0, m * elementBytes);
        }
    }
}
