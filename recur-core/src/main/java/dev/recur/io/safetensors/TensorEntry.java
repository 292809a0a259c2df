package dev.recur.io.safetensors;

import dev.recur.io.DType;

import java.util.Arrays;

/**
 * One tensor of a safetensors header: its element type, shape and byte range {@code [begin, end)}
 * within the data buffer (which starts right after the header).
 */
public record TensorEntry(String name, DType dtype, int[] shape, long begin, long end) {
    public TensorEntry {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a scalar of shape []). */
    public long numel() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public long byteLength() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry e && name.equals(e.name) && dtype == e.dtype && Arrays.equals(shape, e.shape)
                && begin == e.begin && end == e.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
