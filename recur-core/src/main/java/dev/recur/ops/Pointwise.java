package dev.recur.ops;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Activations;
import dev.recur.kernel.Backends;
import dev.recur.tensor.Tensor;

/**
 * Elementwise activations on the active backend's kernels. Each backward uses whichever of the
 * input or the output gives the derivative most cheaply (sigmoid and tanh from their output).
 */
public final class Pointwise {
    private Pointwise() {}

    /** A forward kernel {@code y[i] = f(x[i])}. */
    @FunctionalInterface
    private interface Forward {
        void apply(float[] x, int xOff, float[] y, int yOff, int n);
    }

    /** Adds {@code dy * f'(x)} into {@code dx}; {@code x} and {@code y} are the op's input and output, contiguous. */
    @FunctionalInterface
    private interface Backward {
        void apply(float[] x, int xOff, float[] y, float[] dy, int dyOff, float[] dx, int dxOff, int n);
    }

    public static Var sigmoid(Var x) {
        return unary(x, act()::sigmoid, (xs, xo, y, d, dOff, dx, dxOff, n) -> {
            for (int i = 0; i < n; i++) dx[dxOff + i] += d[dOff + i] * y[i] * (1f - y[i]);
        });
    }

    public static Var tanh(Var x) {
        return unary(x, act()::tanh, (xs, xo, y, d, dOff, dx, dxOff, n) -> {
            for (int i = 0; i < n; i++) dx[dxOff + i] += d[dOff + i] * (1f - y[i] * y[i]);
        });
    }

    public static Var exp(Var x) {
        return unary(x, act()::exp, (xs, xo, y, d, dOff, dx, dxOff, n) -> {
            for (int i = 0; i < n; i++) dx[dxOff + i] += d[dOff + i] * y[i];
        });
    }

    /** Natural logarithm (NaN below 0, -inf at 0, as in IEEE arithmetic). */
    public static Var log(Var x) {
        return unary(x, (xs, xo, y, yo, n) -> {
            for (int i = 0; i < n; i++) y[yo + i] = (float) Math.log(xs[xo + i]);
        }, (xs, xo, y, d, dOff, dx, dxOff, n) -> {
            for (int i = 0; i < n; i++) dx[dxOff + i] += d[dOff + i] / xs[xo + i];
        });
    }

    /** max(x, 0); the derivative at 0 is taken as 0, as in PyTorch. */
    public static Var relu(Var x) {
        return unary(x, (xs, xo, y, yo, n) -> {
            for (int i = 0; i < n; i++) y[yo + i] = Math.max(xs[xo + i], 0f);
        }, (xs, xo, y, d, dOff, dx, dxOff, n) -> {
            for (int i = 0; i < n; i++) dx[dxOff + i] += xs[xo + i] > 0f ? d[dOff + i] : 0f;
        });
    }

    /** x * sigmoid(x), also called swish. */
    public static Var silu(Var x) {
        return unary(x, act()::silu, (xs, xo, y, d, dOff, dx, dxOff, n) -> act().siluBackward(xs, xo, d, dOff, dx, dxOff, n));
    }

    /** The exact (erf) GELU, PyTorch's default. */
    public static Var gelu(Var x) {
        return unary(x, act()::gelu, (xs, xo, y, d, dOff, dx, dxOff, n) -> act().geluBackward(xs, xo, d, dOff, dx, dxOff, n));
    }

    /** log(1 + exp(x)), whose derivative is sigmoid(x). */
    public static Var softplus(Var x) {
        return unary(x, act()::softplus, (xs, xo, y, d, dOff, dx, dxOff, n) -> {
            float[] s = new float[n];
            act().sigmoid(xs, xo, s, 0, n);
            for (int i = 0; i < n; i++) dx[dxOff + i] += d[dOff + i] * s[i];
        });
    }

    private static Var unary(Var x, Forward forward, Backward backward) {
        Tensor xv = x.value().contiguous();
        Tensor out = Tensor.zeros(xv.shape());
        int n = out.numel();
        forward.apply(xv.data(), xv.offset(), out.data(), 0, n);
        return new Node(x) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dx = gradOf(0), dy = g[0].contiguous();
                backward.apply(xv.data(), xv.offset(), out.data(), dy.data(), dy.offset(), dx.data(), dx.offset(), n);
            }
        }.output(out);
    }

    private static Activations act() {
        return Backends.active().activations();
    }
}
