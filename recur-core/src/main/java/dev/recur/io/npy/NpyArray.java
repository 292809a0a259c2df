package dev.recur.io.npy;

import dev.recur.io.DType;
import dev.recur.io.FormatException;
import dev.recur.tensor.Tensor;

/**
 * An array read from an npy file: its element type, shape, and values decoded to float32
 * (floating types) or long (integer and boolean types).
 */
public final class NpyArray {
    private final String source;
    private final DType dtype;
    private final int[] shape;
    private final float[] floats;
    private final long[] longs;

    NpyArray(String source, DType dtype, int[] shape, float[] floats, long[] longs) {
        this.source = source;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.floats = floats;
        this.longs = longs;
    }

    public String source() {
        return source;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int numel() {
        return dtype.isFloating() ? floats.length : longs.length;
    }

    /** The values as a float32 tensor (wrapping {@link #floats()}); only for floating types. */
    public Tensor toTensor() {
        return Tensor.of(floats(), shape);
    }

    /** The float32 values in row-major order (this array's own storage, not a copy). */
    public float[] floats() {
        if (floats == null) throw new FormatException(source, "holds " + dtype + " integers, expected floating-point values");
        return floats;
    }

    /** The integer values in row-major order (this array's own storage, not a copy); BOOL as 0/1. */
    public long[] longs() {
        if (longs == null) throw new FormatException(source, "holds " + dtype + " floating-point values, expected integers");
        return longs;
    }
}
