package dev.recur.ops;

import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/**
 * {@code dst += src} between same-shape tensors of any strides: the backward of view ops adds the
 * upstream gradient into the matching view (transposed, narrowed, selected) of the input's gradient.
 */
final class Strided {
    private Strided() {}

    static void addInto(Tensor dst, Tensor src) {
        if (!dst.sameShape(src)) throw ShapeException.mismatch("gradient accumulation", dst.shape(), src.shape());
        int n = dst.numel();
        if (n == 0) return;
        float[] d = dst.data(), s = src.data();
        if (dst.isContiguous() && src.isContiguous()) {
            int dOff = dst.offset(), sOff = src.offset();
            for (int i = 0; i < n; i++) d[dOff + i] += s[sOff + i];
            return;
        }
        int[] shape = dst.shape(), ds = dst.strides(), ss = src.strides();
        if (shape.length == 0) {
            d[dst.offset()] += s[src.offset()];
            return;
        }
        int last = shape.length - 1, len = shape[last], dStep = ds[last], sStep = ss[last];
        int[] idx = new int[shape.length];
        int rows = n / len;
        for (int r = 0; r < rows; r++) {
            int dp = dst.offset(), sp = src.offset();
            for (int k = 0; k < last; k++) {
                dp += idx[k] * ds[k];
                sp += idx[k] * ss[k];
            }
            for (int i = 0; i < len; i++) d[dp + i * dStep] += s[sp + i * sStep];
            for (int k = last - 1; k >= 0 && ++idx[k] == shape[k]; k--) idx[k] = 0;
        }
    }

    /** The tensor as a contiguous one whose array starts at offset 0 (for kernels that take no offset). */
    static float[] dense(Tensor t) {
        if (t.isContiguous() && t.offset() == 0 && t.data().length == t.numel()) return t.data();
        return t.toArray();
    }

    static void requireRankAtLeast(String op, Tensor t, int rank) {
        if (t.rank() < rank) {
            throw new ShapeException(op + ": expected a tensor of rank >= " + rank + ", found shape " + Shapes.toString(t.shape()));
        }
    }
}
