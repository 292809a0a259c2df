package dev.recur.linear;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.tensor.Tensor;

/**
 * Feature maps of the linear-attention layers that the general ops lack, each one node with its
 * backward: the scaled log-sigmoid of log decays, and per-head L2 normalisation of keys and
 * queries. Outputs keep the input's shape.
 */
final class FeatureMaps {
    /** Added under the square root of the L2 normalisation, as in flash-linear-attention's l2norm. */
    static final float L2_EPS = 1e-6f;

    /** Elements (or rows) per parallel block: large enough that a block costs far more than its hand-off. */
    static final int GRAIN = 16384;

    private FeatureMaps() {}

    /** {@code c · log sigmoid(x)} = {@code −c · softplus(−x)}: a log decay in (−∞, 0]. */
    static Var logSigmoid(Var x, float c) {
        Tensor xv = x.value().contiguous();
        int n = xv.numel();
        Tensor y = Tensor.zeros(xv.shape()), s = Tensor.zeros(xv.shape());
        float[] xd = xv.data(), yd = y.data(), sd = s.data();
        int xo = xv.offset();
        Blas.forBlocks(n, GRAIN, (i0, i1) -> {
            int len = i1 - i0;
            float[] neg = new float[len];
            for (int i = 0; i < len; i++) neg[i] = -xd[xo + i0 + i];
            Backends.active().activations().softplus(neg, 0, yd, i0, len);
            Backends.active().activations().sigmoid(neg, 0, sd, i0, len);
            Blas.scale(-c, yd, i0, len);
        });
        return new Node(x) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dy = g[0].contiguous(), dx = gradOf(0);
                float[] dd = dy.data(), dxd = dx.data();
                int dyo = dy.offset(), dxo = dx.offset();
                Blas.forBlocks(n, GRAIN, (i0, i1) -> {
                    for (int i = i0; i < i1; i++) dxd[dxo + i] += c * dd[dyo + i] * sd[i];
                });
            }
        }.output(y);
    }

    /** Each run of {@code width} elements divided by {@code sqrt(Σ x² + eps)}, times c: unit-norm keys and queries per head. */
    static Var l2Normalize(Var x, int width, float c) {
        Tensor xv = x.value().contiguous();
        int rows = xv.numel() / width, grain = Math.max(1, GRAIN / width);
        float[] inv = new float[rows];
        Tensor y = Tensor.zeros(xv.shape());
        float[] xd = xv.data(), yd = y.data();
        int xo = xv.offset();
        Blas.forBlocks(rows, grain, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                float ss = Blas.dot(xd, xo + r * width, xd, xo + r * width, width);
                inv[r] = (float) (1 / Math.sqrt(ss + L2_EPS));
                for (int i = 0; i < width; i++) yd[r * width + i] = c * inv[r] * xd[xo + r * width + i];
            }
        });
        return new Node(x) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dy = g[0].contiguous(), dx = gradOf(0);
                float[] dd = dy.data(), dxd = dx.data();
                Blas.forBlocks(rows, grain, (r0, r1) -> {
                    for (int r = r0; r < r1; r++) {
                        // y = c x / n: dx = (c / n) (dy − u (u · dy)), u = x / n
                        int xr = xo + r * width, dr = dy.offset() + r * width, or = dx.offset() + r * width;
                        float un = Blas.dot(xd, xr, dd, dr, width) * inv[r];
                        for (int i = 0; i < width; i++) dxd[or + i] += c * inv[r] * (dd[dr + i] - xd[xr + i] * inv[r] * un);
                    }
                });
            }
        }.output(y);
    }
}
