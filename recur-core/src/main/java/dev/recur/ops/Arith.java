package dev.recur.ops;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.tensor.Tensor;

/**
 * Elementwise arithmetic with NumPy broadcasting (same shape, a scalar, a trailing vector such as a
 * bias, or any shapes that broadcast), scaling by a constant and negation.
 */
public final class Arith {
    private Arith() {}

    private enum Kind { ADD, SUB, MUL, DIV }

    /** {@code a + b}, broadcasting. */
    public static Var add(Var a, Var b) {
        return binary(Kind.ADD, a, b);
    }

    /** {@code a - b}, broadcasting. */
    public static Var sub(Var a, Var b) {
        return binary(Kind.SUB, a, b);
    }

    /** {@code a * b} elementwise, broadcasting. */
    public static Var mul(Var a, Var b) {
        return binary(Kind.MUL, a, b);
    }

    /** {@code a / b} elementwise, broadcasting. */
    public static Var div(Var a, Var b) {
        return binary(Kind.DIV, a, b);
    }

    /** {@code c * a} for a constant {@code c}. */
    public static Var scale(Var a, float c) {
        Tensor av = a.value().contiguous();
        Tensor out = Tensor.zeros(av.shape());
        float[] x = av.data(), o = out.data();
        int xo = av.offset(), n = o.length;
        for (int i = 0; i < n; i++) o[i] = c * x[xo + i];
        return new Node(a) {
            @Override
            protected void backward(Tensor[] g) {
                accumulate(gradOf(0), g[0], c);
            }
        }.output(out);
    }

    /** {@code -a}. */
    public static Var neg(Var a) {
        return scale(a, -1f);
    }

    /** {@code a + c} for a constant {@code c}. */
    public static Var addScalar(Var a, float c) {
        Tensor av = a.value().contiguous();
        Tensor out = Tensor.zeros(av.shape());
        float[] x = av.data(), o = out.data();
        int xo = av.offset(), n = o.length;
        for (int i = 0; i < n; i++) o[i] = x[xo + i] + c;
        return new Node(a) {
            @Override
            protected void backward(Tensor[] g) {
                accumulate(gradOf(0), g[0], 1f);
            }
        }.output(out);
    }

    /** {@code dst += alpha * src} over same-shape tensors ({@code dst} contiguous); a null {@code dst} is skipped. */
    public static void accumulate(Tensor dst, Tensor src, float alpha) {
        if (dst == null) return;
        Tensor s = src.contiguous();
        float[] d = dst.data(), v = s.data();
        int n = dst.numel(), dOff = dst.offset(), sOff = s.offset();
        for (int i = 0; i < n; i++) d[dOff + i] += alpha * v[sOff + i];
    }

    private static Var binary(Kind kind, Var a, Var b) {
        int[] shape = Broadcast.shape(kind.name().toLowerCase(java.util.Locale.ROOT), a.value().shape(), b.value().shape());
        Tensor x = Broadcast.expand(a.value(), shape), y = Broadcast.expand(b.value(), shape);
        Tensor out = Tensor.zeros(shape);
        float[] xs = x.data(), ys = y.data(), o = out.data();
        int xo = x.offset(), yo = y.offset(), n = o.length;
        switch (kind) {
            case ADD -> { for (int i = 0; i < n; i++) o[i] = xs[xo + i] + ys[yo + i]; }
            case SUB -> { for (int i = 0; i < n; i++) o[i] = xs[xo + i] - ys[yo + i]; }
            case MUL -> { for (int i = 0; i < n; i++) o[i] = xs[xo + i] * ys[yo + i]; }
            case DIV -> { for (int i = 0; i < n; i++) o[i] = xs[xo + i] / ys[yo + i]; }
        }
        return new Node(a, b) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dy = g[0].contiguous();
                float[] d = dy.data();
                int dOff = dy.offset();
                if (needsGrad(0)) {
                    switch (kind) {
                        case ADD, SUB -> Broadcast.reduceInto(gradOf(0), d, dOff, shape, 1f);
                        case MUL -> Broadcast.reduceInto(gradOf(0), product(d, dOff, ys, yo, n), 0, shape, 1f);
                        case DIV -> Broadcast.reduceInto(gradOf(0), quotient(d, dOff, ys, yo, n), 0, shape, 1f);
                    }
                }
                if (needsGrad(1)) {
                    switch (kind) {
                        case ADD -> Broadcast.reduceInto(gradOf(1), d, dOff, shape, 1f);
                        case SUB -> Broadcast.reduceInto(gradOf(1), d, dOff, shape, -1f);
                        case MUL -> Broadcast.reduceInto(gradOf(1), product(d, dOff, xs, xo, n), 0, shape, 1f);
                        case DIV -> { // d(a/b)/db = -(a/b)/b
                            float[] t = quotient(d, dOff, ys, yo, n);
                            for (int i = 0; i < n; i++) t[i] *= o[i];
                            Broadcast.reduceInto(gradOf(1), t, 0, shape, -1f);
                        }
                    }
                }
            }
        }.output(out);
    }

    private static float[] product(float[] d, int dOff, float[] v, int vOff, int n) {
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = d[dOff + i] * v[vOff + i];
        return t;
    }

    private static float[] quotient(float[] d, int dOff, float[] v, int vOff, int n) {
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = d[dOff + i] / v[vOff + i];
        return t;
    }
}
