package dev.recur.linear;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.layer.Lengths;
import dev.recur.nn.Module;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

/**
 * The short causal depthwise convolution with SiLU that DeltaNet, Gated DeltaNet and DeltaProduct
 * apply to their projected q, k, v (flash-linear-attention's ShortConvolution; PyTorch Conv1d
 * layout, weight (channels, 1, width), no bias, PyTorch's default initialisation):
 * {@code y_t = silu(Σ_j w_j ⊙ x_{t − width + 1 + j})}. Its streaming state is the last
 * {@code width − 1} inputs (B, width − 1, channels), oldest first; the final state is taken at each
 * sequence's length.
 */
final class ShortConv extends Module {
    private final Var weight;
    private final int channels, width;

    ShortConv(int channels, int width, Rng rng) {
        this.channels = channels;
        this.width = width;
        float bound = (float) (1 / Math.sqrt(width));
        Tensor w = Tensor.zeros(channels, 1, width);
        rng.fillUniform(w.data(), 0, w.numel(), -bound, bound);
        weight = parameter("weight", w);
    }

    int[] stateShape(int batch) {
        return new int[] {batch, width - 1, channels};
    }

    /** Returns {y (shape of x), final state}; {@code s0} null means zeros. */
    Var[] apply(Var x, Var s0, Heads geo, Lengths lengths) {
        Tensor xv = x.value().contiguous(), wv = weight.value(), sv = s0 == null ? null : s0.value().contiguous();
        int T = geo.steps(), B = geo.batch(), C = channels, K = width;
        Tensor pre = Tensor.zeros(xv.shape()), y = Tensor.zeros(xv.shape());
        float[] w = wv.data(), p = pre.data();
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                int row = (t * B + b) * C;
                for (int j = 0; j < K; j++) {
                    int tau = t - (K - 1) + j;
                    float[] src = tau >= 0 ? xv.data() : sv == null ? null : sv.data();
                    if (src == null) continue;
                    int off = tau >= 0 ? xv.offset() + (tau * B + b) * C : sv.offset() + (b * (K - 1) + K - 1 + tau) * C;
                    for (int c = 0; c < C; c++) p[row + c] += w[c * K + j] * src[off + c];
                }
            }
        }
        Backends.active().activations().silu(p, 0, y.data(), 0, p.length);
        Tensor last = Tensor.zeros(B, K - 1, C);
        for (int b = 0; b < B; b++) {
            int len = geo.length(lengths, b);
            for (int i = 0; i < K - 1; i++) {
                int tau = len - (K - 1) + i;
                if (tau >= 0) {
                    System.arraycopy(xv.data(), xv.offset() + (tau * B + b) * C, last.data(), (b * (K - 1) + i) * C, C);
                } else if (sv != null) {
                    System.arraycopy(sv.data(), sv.offset() + (b * (K - 1) + K - 1 + tau) * C, last.data(), (b * (K - 1) + i) * C, C);
                }
            }
        }
        return new Node(x, weight, s0) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dx = gradOf(0), dw = gradOf(1), ds = gradOf(2);
                float[] dp = new float[p.length];
                if (g[0] != null) {
                    Tensor dy = g[0].contiguous();
                    Backends.active().activations().siluBackward(p, 0, dy.data(), dy.offset(), dp, 0, p.length);
                }
                for (int t = 0; t < T; t++) {
                    for (int b = 0; b < B; b++) {
                        int row = (t * B + b) * C;
                        for (int j = 0; j < K; j++) {
                            int tau = t - (K - 1) + j;
                            Tensor src = tau >= 0 ? xv : sv, dst = tau >= 0 ? dx : ds;
                            int off = tau >= 0 ? (tau * B + b) * C : (b * (K - 1) + K - 1 + tau) * C;
                            if (dst != null) {
                                for (int c = 0; c < C; c++) dst.data()[dst.offset() + off + c] += w[c * K + j] * dp[row + c];
                            }
                            if (dw != null && src != null) {
                                for (int c = 0; c < C; c++) dw.data()[dw.offset() + c * K + j] += dp[row + c] * src.data()[src.offset() + off + c];
                            }
                        }
                    }
                }
                if (g[1] == null) return;
                Tensor dl = g[1].contiguous();
                for (int b = 0; b < B; b++) {
                    int len = geo.length(lengths, b);
                    for (int i = 0; i < K - 1; i++) {
                        int tau = len - (K - 1) + i;
                        Tensor dst = tau >= 0 ? dx : ds;
                        if (dst == null) continue;
                        int off = tau >= 0 ? (tau * B + b) * C : (b * (K - 1) + K - 1 + tau) * C;
                        Blas.axpy(1f, dl.data(), dl.offset() + (b * (K - 1) + i) * C, dst.data(), dst.offset() + off, C);
                    }
                }
            }
        }.outputs(y, last);
    }
}
