package dev.recur.ops;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.kernel.Norms;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/** Layer normalisation and RMS normalisation over the last dimension, on the backend's norm kernels. */
public final class Norm {
    private Norm() {}

    /**
     * {@code (x - mean) / sqrt(var + eps) * weight + bias} per row of the last dimension, with the
     * biased variance (PyTorch's {@code layer_norm}). {@code weight} and {@code bias} (shape (C))
     * may each be null.
     */
    public static Var layerNorm(Var x, Var weight, Var bias, float eps) {
        Tensor xv = x.value().contiguous();
        Strided.requireRankAtLeast("layerNorm", xv, 1);
        int cols = xv.dim(-1), rows = cols == 0 ? 0 : xv.numel() / cols;
        float[] gamma = affine("layerNorm weight", weight, cols), beta = affine("layerNorm bias", bias, cols);
        float[] mean = new float[rows], rstd = new float[rows];
        Tensor out = Tensor.zeros(xv.shape());
        norms().layerNorm(xv.data(), xv.offset(), gamma, beta, out.data(), 0, mean, rstd, rows, cols, eps);
        return new Node(x, weight, bias) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dy = g[0].contiguous(), dx = gradOf(0);
                float[] dGamma = scratch(weight, cols), dBeta = scratch(bias, cols);
                norms().layerNormBackward(xv.data(), xv.offset(), gamma, dy.data(), dy.offset(), mean, rstd,
                        dx == null ? null : dx.data(), dx == null ? 0 : dx.offset(), dGamma, dBeta, rows, cols);
                addBack(gradOf(1), dGamma);
                addBack(gradOf(2), dBeta);
            }
        }.output(out);
    }

    /** {@code x / sqrt(mean(x^2) + eps) * weight} per row of the last dimension; {@code weight} may be null. */
    public static Var rmsNorm(Var x, Var weight, float eps) {
        Tensor xv = x.value().contiguous();
        Strided.requireRankAtLeast("rmsNorm", xv, 1);
        int cols = xv.dim(-1), rows = cols == 0 ? 0 : xv.numel() / cols;
        float[] gamma = affine("rmsNorm weight", weight, cols);
        float[] rstd = new float[rows];
        Tensor out = Tensor.zeros(xv.shape());
        norms().rmsNorm(xv.data(), xv.offset(), gamma, out.data(), 0, rstd, rows, cols, eps);
        return new Node(x, weight) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dy = g[0].contiguous(), dx = gradOf(0);
                float[] dGamma = scratch(weight, cols);
                norms().rmsNormBackward(xv.data(), xv.offset(), gamma, dy.data(), dy.offset(), rstd,
                        dx == null ? null : dx.data(), dx == null ? 0 : dx.offset(), dGamma, rows, cols);
                addBack(gradOf(1), dGamma);
            }
        }.output(out);
    }

    /** The affine vector as a dense array from index 0 (the kernels take no offset), or null. */
    private static float[] affine(String what, Var v, int cols) {
        if (v == null) return null;
        Shapes.check(what, v.value().shape(), cols);
        return Strided.dense(v.value());
    }

    /**
     * A scratch array for the kernel to accumulate an affine parameter's gradient into (the
     * gradient buffer is written back by {@link #addBack}), or null when none is needed.
     */
    private static float[] scratch(Var v, int cols) {
        return v != null && v.requiresGrad() ? new float[cols] : null;
    }

    private static void addBack(Tensor grad, float[] acc) {
        if (grad == null || acc == null) return;
        Arith.accumulate(grad, Tensor.of(acc, acc.length), 1f);
    }

    private static Norms norms() {
        return Backends.active().norms();
    }
}
