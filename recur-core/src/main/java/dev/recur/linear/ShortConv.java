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
        Tensor xv = x.value().contiguous(), sv = s0 == null ? null : s0.value().contiguous();
        int T = geo.steps(), B = geo.batch(), C = channels, K = width;
        // Taps as rows (K × C), so every inner loop runs over contiguous channels.
        float[] taps = new float[K * C], w = weight.value().contiguous().data();
        for (int c = 0; c < C; c++) for (int j = 0; j < K; j++) taps[j * C + c] = w[c * K + j];
        Tensor pre = Tensor.zeros(xv.shape()), y = Tensor.zeros(xv.shape());
        float[] p = pre.data();
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                int row = (t * B + b) * C;
                for (int j = 0; j < K; j++) {
                    int tau = t - (K - 1) + j;
                    Tensor src = tau >= 0 ? xv : sv;
                    if (src == null) continue;
                    int off = src.offset() + tapOffset(tau, b, B);
                    float[] sd = src.data();
                    for (int c = 0; c < C; c++) p[row + c] += taps[j * C + c] * sd[off + c];
                }
            }
        }
        Backends.active().activations().silu(p, 0, y.data(), 0, p.length);
        Tensor last = Tensor.zeros(B, K - 1, C);
        for (int b = 0; b < B; b++) {
            int len = geo.length(lengths, b);
            for (int i = 0; i < K - 1; i++) {
                int tau = len - (K - 1) + i;
                Tensor src = tau >= 0 ? xv : sv;
                if (src != null) System.arraycopy(src.data(), src.offset() + tapOffset(tau, b, B), last.data(), (b * (K - 1) + i) * C, C);
            }
        }
        return new Node(x, weight, s0) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dx = gradOf(0), dw = gradOf(1), ds = gradOf(2);
                float[] dp = new float[p.length], dTaps = new float[K * C];
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
                            int off = tapOffset(tau, b, B);
                            if (dst != null) {
                                float[] dd = dst.data();
                                int o = dst.offset() + off;
                                for (int c = 0; c < C; c++) dd[o + c] += taps[j * C + c] * dp[row + c];
                            }
                            if (dw != null && src != null) {
                                float[] sd = src.data();
                                int o = src.offset() + off;
                                for (int c = 0; c < C; c++) dTaps[j * C + c] += dp[row + c] * sd[o + c];
                            }
                        }
                    }
                }
                if (dw != null) {
                    for (int c = 0; c < C; c++) for (int j = 0; j < K; j++) dw.data()[dw.offset() + c * K + j] += dTaps[j * C + c];
                }
                if (g[1] == null) return;
                Tensor dl = g[1].contiguous();
                for (int b = 0; b < B; b++) {
                    int len = geo.length(lengths, b);
                    for (int i = 0; i < K - 1; i++) {
                        int tau = len - (K - 1) + i;
                        Tensor dst = tau >= 0 ? dx : ds;
                        if (dst == null) continue;
                        Blas.axpy(1f, dl.data(), dl.offset() + (b * (K - 1) + i) * C, dst.data(), dst.offset() + tapOffset(tau, b, B), C);
                    }
                }
            }
        }.outputs(y, last);
    }

    /** Where tap position tau (a step, or −1 .. −(K − 1) in the state) of sequence b starts: in x, or in the state. */
    private int tapOffset(int tau, int b, int batch) {
        return tau >= 0 ? (tau * batch + b) * channels : (b * (width - 1) + width - 1 + tau) * channels;
    }
}
