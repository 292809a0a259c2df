package dev.recur.ops;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.tensor.Tensor;

/**
 * Reductions: sum and mean over all elements or one dimension, and the maximum over a dimension.
 * A tensor reduced over dimension {@code d} is viewed as (outer, n, inner) so that the inner loop
 * runs over contiguous memory.
 */
public final class Reduce {
    private Reduce() {}

    /** The sum of all elements, as a tensor of shape []. */
    public static Var sum(Var a) {
        return total(a, 1f);
    }

    /** The mean of all elements, as a tensor of shape [] (NaN for an empty tensor, as in PyTorch). */
    public static Var mean(Var a) {
        return total(a, 1f / a.value().numel());
    }

    /** Sums over dimension {@code d}; {@code keepDim} keeps it with size 1. */
    public static Var sum(Var a, int d, boolean keepDim) {
        return alongDim(a, d, keepDim, false);
    }

    /** Averages over dimension {@code d}; {@code keepDim} keeps it with size 1. */
    public static Var mean(Var a, int d, boolean keepDim) {
        return alongDim(a, d, keepDim, true);
    }

    /**
     * The maximum over dimension {@code d}. The gradient flows to the first position of the
     * maximum; a NaN anywhere in a slice makes that slice's maximum NaN.
     */
    public static Var max(Var a, int d, boolean keepDim) {
        Tensor av = a.value().contiguous();
        Layout l = Layout.of("max", av, d);
        if (l.n == 0) throw new dev.recur.tensor.ShapeException("max over dimension " + d + " of size 0");
        float[] x = av.data(), o = new float[l.outer * l.inner];
        int[] arg = new int[o.length];
        int base = av.offset();
        for (int p = 0; p < l.outer; p++) {
            for (int i = 0; i < l.inner; i++) {
                int q = p * l.inner + i, best = 0;
                float m = x[base + p * l.n * l.inner + i];
                for (int k = 1; k < l.n && !Float.isNaN(m); k++) {
                    float v = x[base + (p * l.n + k) * l.inner + i];
                    if (v > m || Float.isNaN(v)) {
                        m = v;
                        best = k;
                    }
                }
                o[q] = m;
                arg[q] = best;
            }
        }
        return new Node(a) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor da = gradOf(0), dy = g[0].contiguous();
                float[] dd = da.data(), gy = dy.data();
                for (int p = 0; p < l.outer; p++) {
                    for (int i = 0; i < l.inner; i++) {
                        int q = p * l.inner + i;
                        dd[da.offset() + (p * l.n + arg[q]) * l.inner + i] += gy[dy.offset() + q];
                    }
                }
            }
        }.output(Tensor.of(o, l.outShape(keepDim)));
    }

    private static Var total(Var a, float factor) {
        Tensor av = a.value().contiguous();
        float s = Backends.active().reductions().sum(av.data(), av.offset(), av.numel());
        return new Node(a) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor da = gradOf(0);
                float d = g[0].item() * factor;
                float[] arr = da.data();
                for (int i = 0, n = da.numel(), off = da.offset(); i < n; i++) arr[off + i] += d;
            }
        }.output(Tensor.scalar(s * factor));
    }

    private static Var alongDim(Var a, int d, boolean keepDim, boolean mean) {
        Tensor av = a.value().contiguous();
        Layout l = Layout.of(mean ? "mean" : "sum", av, d);
        float factor = mean ? 1f / l.n : 1f;
        float[] x = av.data(), o = new float[l.outer * l.inner];
        int base = av.offset();
        double[] acc = new double[l.inner];
        for (int p = 0; p < l.outer; p++) {
            java.util.Arrays.fill(acc, 0);
            for (int k = 0; k < l.n; k++) {
                int row = base + (p * l.n + k) * l.inner;
                for (int i = 0; i < l.inner; i++) acc[i] += x[row + i];
            }
            for (int i = 0; i < l.inner; i++) o[p * l.inner + i] = (float) (acc[i] * factor);
        }
        return new Node(a) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor da = gradOf(0), dy = g[0].contiguous();
                float[] dd = da.data(), gy = dy.data();
                for (int p = 0; p < l.outer; p++) {
                    int src = dy.offset() + p * l.inner;
                    for (int k = 0; k < l.n; k++) {
                        int row = da.offset() + (p * l.n + k) * l.inner;
                        for (int i = 0; i < l.inner; i++) dd[row + i] += factor * gy[src + i];
                    }
                }
            }
        }.output(Tensor.of(o, l.outShape(keepDim)));
    }

    /** A contiguous tensor seen as (outer, n, inner) around the reduced dimension. */
    private record Layout(int[] shape, int axis, int outer, int n, int inner) {
        static Layout of(String op, Tensor t, int d) {
            int[] s = t.shape();
            int a = Shape.axis(op, d, s.length), outer = 1, inner = 1;
            for (int i = 0; i < a; i++) outer *= s[i];
            for (int i = a + 1; i < s.length; i++) inner *= s[i];
            return new Layout(s, a, outer, s[a], inner);
        }

        int[] outShape(boolean keepDim) {
            if (keepDim) {
                int[] r = shape.clone();
                r[axis] = 1;
                return r;
            }
            int[] r = new int[shape.length - 1];
            for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) r[j++] = shape[i];
            return r;
        }
    }
}
