package dev.recur.io.npy;

import dev.recur.io.AtomicFiles;
import dev.recur.io.ByteSource;
import dev.recur.io.DType;
import dev.recur.io.FormatException;
import dev.recur.io.LittleEndian;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * numpy's npy format: reads versions 1.0-3.0 of little-endian C-order arrays of float16/32/64,
 * (u)int8-64 and bool; writes float32, int32 and int64 byte for byte as {@code np.save} does.
 * See {@link NpyHeader} for what is validated.
 */
public final class Npy {
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Npy() {}

    /** A floating-point array (float16/32/64) as a float32 tensor. */
    public static Tensor read(Path path) {
        return load(path).toTensor();
    }

    public static Tensor read(byte[] bytes, String sourceName) {
        return load(bytes, sourceName).toTensor();
    }

    public static Tensor read(InputStream in, String sourceName) {
        return load(in, sourceName).toTensor();
    }

    /** An integer or boolean array as longs; the shape is {@link #load(Path)}'s. */
    public static long[] readLongs(Path path) {
        return load(path).longs();
    }

    /** The array with its dtype and shape. */
    public static NpyArray load(Path path) {
        try (ByteSource src = ByteSource.map(path)) {
            return load(src);
        }
    }

    public static NpyArray load(byte[] bytes, String sourceName) {
        return load(ByteSource.of(bytes, sourceName));
    }

    public static NpyArray load(InputStream in, String sourceName) {
        return load(ByteSource.read(in, sourceName));
    }

    private static NpyArray load(ByteSource src) {
        NpyHeader h = NpyHeader.parse(src.bytes(), src.name());
        long n = h.numel();
        if (n > MAX_ARRAY) throw new FormatException(src.name(), "array has " + n + " elements, more than a Java array holds");
        DType t = h.dtype();
        if (t.isFloating()) {
            float[] f = new float[(int) n];
            t.decodeFloats(src.bytes(), h.dataStart(), f, f.length);
            return new NpyArray(src.name(), t, h.shape(), f, null);
        }
        long[] l = new long[(int) n];
        int tooBig = t.decodeLongs(src.bytes(), h.dataStart(), l, l.length);
        if (tooBig >= 0) {
            throw new FormatException(src.name(), "uint64 element " + tooBig + " is " + Long.toUnsignedString(l[tooBig])
                    + ", too large for a signed 64-bit integer");
        }
        return new NpyArray(src.name(), t, h.shape(), null, l);
    }

    /** Writes a float32 array ({@code <f4}, C order) atomically, as {@code np.save} would. */
    public static void write(Path path, Tensor t) {
        AtomicFiles.write(path, out -> writeTo(out, t));
    }

    /** Writes an int64 array ({@code <i8}) of the given shape atomically. */
    public static void writeLongs(Path path, long[] values, int... shape) {
        checkCount(values.length, shape);
        AtomicFiles.write(path, out -> {
            out.write(NpyHeader.encode(DType.I64, shape));
            LittleEndian.writeLongs(out, values, 0, values.length);
        });
    }

    /** Writes an int32 array ({@code <i4}) of the given shape atomically. */
    public static void writeInts(Path path, int[] values, int... shape) {
        checkCount(values.length, shape);
        AtomicFiles.write(path, out -> {
            out.write(NpyHeader.encode(DType.I32, shape));
            LittleEndian.writeInts(out, values, 0, values.length);
        });
    }

    /** The bytes {@link #write(Path, Tensor)} would write. */
    public static byte[] toBytes(Tensor t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out, t);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toByteArray();
    }

    private static void writeTo(OutputStream out, Tensor t) throws IOException {
        out.write(NpyHeader.encode(DType.F32, t.shape()));
        LittleEndian.writeFloats(out, t);
    }

    private static void checkCount(int length, int[] shape) {
        if (Shapes.numel(shape) != length) {
            throw new ShapeException("npy shape " + Shapes.toString(shape) + " holds " + Shapes.numel(shape) + " values, given " + length);
        }
    }
}
