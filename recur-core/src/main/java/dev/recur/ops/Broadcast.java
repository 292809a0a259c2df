package dev.recur.ops;

import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/**
 * NumPy broadcasting for the elementwise ops: shapes align at the trailing dimension and a
 * dimension of size 1 (or a missing leading one) stretches. Operands are materialised at the
 * result's shape so that the arithmetic is one flat loop; the backward sums the gradient over the
 * stretched dimensions. The common cases (same shape, a scalar, a trailing vector such as a bias)
 * take copy-free or block-copy paths.
 */
final class Broadcast {
    private Broadcast() {}

    /** The broadcast result shape of {@code a} and {@code b}, or a {@link ShapeException} naming {@code op}. */
    static int[] shape(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException(op + ": shapes " + Shapes.toString(a) + " and " + Shapes.toString(b)
                        + " do not broadcast (dimension " + i + " of the result: " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** {@code t} stretched to {@code shape}, contiguous; {@code t} itself when it already is. */
    static Tensor expand(Tensor t, int[] shape) {
        if (Shapes.equal(t.shape(), shape)) return t.contiguous();
        Tensor out = Tensor.zeros(shape);
        float[] o = out.data();
        int n = o.length;
        if (n == 0) return out;
        Tensor c = t.contiguous();
        float[] s = c.data();
        int sOff = c.offset();
        if (c.numel() == 1) {
            java.util.Arrays.fill(o, s[sOff]);
            return out;
        }
        int inner = trailingBlock(t.shape(), shape);
        if (inner > 0) {
            for (int p = 0; p < n; p += inner) System.arraycopy(s, sOff, o, p, inner);
            return out;
        }
        int[] st = stretchedStrides(c, shape);
        int last = shape.length - 1, len = shape[last], step = st[last];
        int[] idx = new int[shape.length];
        for (int p = 0; p < n; p += len) {
            int sp = sOff;
            for (int k = 0; k < last; k++) sp += idx[k] * st[k];
            for (int i = 0; i < len; i++) o[p + i] = s[sp + i * step];
            for (int k = last - 1; k >= 0 && ++idx[k] == shape[k]; k--) idx[k] = 0;
        }
        return out;
    }

    /**
     * {@code dst += alpha * (src summed over the dimensions that broadcasting stretched)}, where
     * {@code src} holds a contiguous tensor of the result's {@code shape} from {@code srcOff} and
     * {@code dst} is contiguous in the operand's shape.
     */
    static void reduceInto(Tensor dst, float[] src, int srcOff, int[] shape, float alpha) {
        float[] d = dst.data();
        int dOff = dst.offset(), n = Shapes.numel(shape);
        if (n == 0) return;
        if (Shapes.equal(dst.shape(), shape)) {
            for (int i = 0; i < n; i++) d[dOff + i] += alpha * src[srcOff + i];
            return;
        }
        int inner = trailingBlock(dst.shape(), shape);
        if (inner > 0) {
            // Accumulate the rows in double: a bias gradient sums over every row of the batch.
            double[] acc = new double[inner];
            for (int p = 0; p < n; p += inner) {
                for (int j = 0; j < inner; j++) acc[j] += src[srcOff + p + j];
            }
            for (int j = 0; j < inner; j++) d[dOff + j] += (float) (alpha * acc[j]);
            return;
        }
        int[] st = stretchedStrides(dst, shape);
        int last = shape.length - 1, len = shape[last], step = st[last];
        int[] idx = new int[shape.length];
        for (int p = 0; p < n; p += len) {
            int dp = dOff;
            for (int k = 0; k < last; k++) dp += idx[k] * st[k];
            for (int i = 0; i < len; i++) d[dp + i * step] += alpha * src[srcOff + p + i];
            for (int k = last - 1; k >= 0 && ++idx[k] == shape[k]; k--) idx[k] = 0;
        }
    }

    /**
     * When {@code small} (leading 1s dropped) equals a suffix of {@code shape}, its element count:
     * the result is {@code small} repeated block after block. Otherwise 0.
     */
    private static int trailingBlock(int[] small, int[] shape) {
        int first = 0;
        while (first < small.length && small[first] == 1) first++;
        int k = small.length - first;
        if (k > shape.length) return 0;
        int inner = 1;
        for (int i = 0; i < k; i++) {
            if (small[first + i] != shape[shape.length - k + i]) return 0;
            inner *= small[first + i];
        }
        return inner;
    }

    /** Strides of contiguous {@code t} read at {@code shape}: 0 along stretched or missing dimensions. */
    private static int[] stretchedStrides(Tensor t, int[] shape) {
        int[] ts = t.shape(), tst = Shapes.contiguousStrides(ts), st = new int[shape.length];
        int lead = shape.length - ts.length;
        for (int i = lead; i < shape.length; i++) st[i] = ts[i - lead] == 1 ? 0 : tst[i - lead];
        return st;
    }
}
