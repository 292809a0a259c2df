package dev.recur.ssm;

import dev.recur.ConfigException;
import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.kernel.Parallel;
import dev.recur.layer.Lengths;
import dev.recur.nn.Init;
import dev.recur.nn.Module;
import dev.recur.nn.Parameter;
import dev.recur.ops.Arith;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/**
 * A depthwise causal convolution over time (Mamba's {@code conv1d} and the {@code shortconv}
 * layer): its parameters, {@code weight} (C, 1, K) and {@code bias} (C), and the op, one autodiff
 * node. For channel c,
 * {@code y_t = act(bias_c + sum_{j<K} w[c][j] x_{t-K+1+j})}, where the K-1 inputs before the first
 * step come from the state (zeros by default), and act is the identity or SiLU. The weight has
 * PyTorch's Conv1d shape (C, 1, K), so that {@code padding=K-1} and cutting the tail give the same
 * numbers. The final state holds the last K-1 inputs of each sequence, (B, C, K-1), as Mamba's
 * conv cache does (without the slot for the current input).
 *
 * <p>Work is split over sequences; each step is a contiguous loop over channels.
 */
public final class CausalConv extends Module {
    private final int channels, width;
    private final Parameter weight, bias;

    /** PyTorch's Conv1d(C, C, K, groups=C) initialisation: U(+-1/sqrt(K)) for weight and bias. */
    public CausalConv(int channels, int width, boolean bias, Rng rng) {
        if (channels < 1 || width < 1) throw new ConfigException("causal conv: channels and width must be >= 1, got " + channels + ", " + width);
        this.channels = channels;
        this.width = width;
        double bound = 1 / Math.sqrt(width);
        this.weight = parameter("weight", Init.uniform(Tensor.zeros(channels, 1, width), -bound, bound, rng));
        this.bias = bias ? parameter("bias", Init.uniform(Tensor.zeros(channels), -bound, bound, rng)) : null;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the convolution has none. */
    public Parameter bias() {
        return bias;
    }

    public int width() {
        return width;
    }

    /** The state before any input: zeros (B, C, K-1). */
    public Tensor zeroState(int batch) {
        return Tensor.zeros(batch, channels, width - 1);
    }

    /** Output (T, B, C) and the final state (B, C, K-1). */
    public record Output(Var y, Var state) {}

    /**
     * @param x      input (T, B, C), any strides
     * @param weight (C, 1, K)
     * @param bias   (C) or null
     * @param state  the K-1 inputs before the first step, (B, C, K-1), or null for zeros
     */
    public static Output apply(Var x, Var weight, Var bias, Var state, Lengths lengths, boolean silu) {
        Tensor xv = x.value().contiguous(), wv = weight.value().contiguous();
        if (xv.rank() != 3) throw new ShapeException("causal conv: input must be (T, B, C), found " + Shapes.toString(xv.shape()));
        int T = xv.dim(0), B = xv.dim(1), C = xv.dim(2);
        if (wv.rank() != 3 || wv.dim(0) != C || wv.dim(1) != 1) {
            throw new ShapeException("causal conv: weight must be (" + C + ", 1, K), found " + Shapes.toString(wv.shape()));
        }
        int K = wv.dim(2);
        if (bias != null) Shapes.check("causal conv bias", bias.shape(), C);
        if (state != null) Shapes.check("causal conv state", state.shape(), B, C, K - 1);
        if (lengths != null) lengths.check(B, T);
        float[] xa = array(xv), wT = transpose(array(wv), C, K);
        float[] ba = bias == null ? null : array(bias.value().contiguous());
        float[] s0 = state == null ? null : array(state.value().contiguous());
        int[] len = lengths == null ? null : lengths.values();
        Tensor pre = Tensor.zeros(T, B, C), y = silu ? Tensor.zeros(T, B, C) : pre, sT = Tensor.zeros(B, C, K - 1);
        float[] p = pre.data();
        Parallel.forRange(B, 1, (start, end) -> {
            for (int b = start; b < end; b++) {
                Window win = new Window(xa, s0, B, C, K, b);
                int L = len == null ? T : len[b];
                for (int t = 0; t < L; t++) {
                    int row = (t * B + b) * C;
                    if (ba != null) System.arraycopy(ba, 0, p, row, C);
                    for (int j = 0; j < K; j++) {
                        int src = win.offset(t - K + 1 + j);
                        if (src < 0) continue;
                        float[] a = win.array(t - K + 1 + j);
                        int wo = j * C;
                        for (int c = 0; c < C; c++) p[row + c] += wT[wo + c] * a[src + c];
                    }
                }
                win.finalState(L, sT.data());
            }
        });
        if (silu) Backends.active().activations().silu(pre.data(), 0, y.data(), 0, T * B * C);
        if (len != null) {
            for (int t = 0; t < T; t++) {
                for (int b = 0; b < B; b++) if (t >= len[b]) java.util.Arrays.fill(y.data(), (t * B + b) * C, (t * B + b + 1) * C, 0f);
            }
        }
        Var[] out = new Node(x, weight, bias, state) {
            @Override
            protected void backward(Tensor[] g) {
                float[] gPre = new float[T * B * C];
                if (g[0] != null) {
                    float[] gy = array(g[0].contiguous());
                    if (silu) Backends.active().activations().siluBackward(pre.data(), 0, gy, 0, gPre, 0, T * B * C);
                    else System.arraycopy(gy, 0, gPre, 0, gPre.length);
                }
                float[] gsT = g[1] == null ? null : array(g[1].contiguous());
                float[] gx = new float[T * B * C], gw = new float[K * C], gb = new float[C];
                float[] gs0 = new float[B * C * (K - 1)];
                float[][] gwPart = new float[B][], gbPart = new float[B][];
                Parallel.forRange(B, 1, (start, end) -> {
                    for (int b = start; b < end; b++) {
                        Window win = new Window(xa, s0, B, C, K, b);
                        Window grad = new Window(gx, null, B, C, K, b);
                        int L = len == null ? T : len[b];
                        if (gsT != null) grad.addFinalStateGrad(L, gsT);
                        float[] pw = new float[K * C], pb = new float[C];
                        for (int t = 0; t < L; t++) {
                            int row = (t * B + b) * C;
                            for (int c = 0; c < C; c++) pb[c] += gPre[row + c];
                            for (int j = 0; j < K; j++) {
                                int tau = t - K + 1 + j, src = win.offset(tau);
                                if (src < 0) continue;
                                float[] a = win.array(tau), ga = grad.array(tau);
                                int wo = j * C;
                                for (int c = 0; c < C; c++) {
                                    pw[wo + c] += gPre[row + c] * a[src + c];
                                    ga[src + c] += wT[wo + c] * gPre[row + c];
                                }
                            }
                        }
                        grad.addStateGradTo(gs0);
                        gwPart[b] = pw;
                        gbPart[b] = pb;
                    }
                });
                for (int b = 0; b < B; b++) { // fixed order: same bits for any thread count
                    for (int i = 0; i < K * C; i++) gw[i] += gwPart[b][i];
                    for (int c = 0; c < C; c++) gb[c] += gbPart[b][c];
                }
                add(gradOf(0), gx);
                add(gradOf(1), transpose(gw, K, C));
                add(gradOf(2), gb);
                add(gradOf(3), gs0);
            }
        }.outputs(y, sT);
        return new Output(out[0], out[1]);
    }

    /**
     * The inputs of one sequence extended to the left by its state: time tau in [-(K-1), T) is
     * {@code x[tau]} for tau >= 0 and state slot {@code K-1+tau} before. The (B, C, K-1) state is
     * copied transposed, slot-major, so that every time step is a contiguous row of C floats in
     * {@link #array}(tau) at {@link #offset}(tau). Over gradient arrays, the same addressing
     * accumulates the input gradients.
     */
    private static final class Window {
        private final float[] x, stateT; // stateT[slot * C + c]
        private final int B, C, K, b;

        Window(float[] x, float[] state, int B, int C, int K, int b) {
            this.x = x;
            this.B = B;
            this.C = C;
            this.K = K;
            this.b = b;
            this.stateT = new float[(K - 1) * C];
            if (state != null) {
                for (int c = 0; c < C; c++) {
                    for (int s = 0; s < K - 1; s++) stateT[s * C + c] = state[(b * C + c) * (K - 1) + s];
                }
            }
        }

        float[] array(int tau) {
            return tau >= 0 ? x : stateT;
        }

        /** Offset of the row for time tau in {@link #array}(tau), or -1 when tau is before the state. */
        int offset(int tau) {
            if (tau >= 0) return (tau * B + b) * C;
            int slot = K - 1 + tau;
            return slot < 0 ? -1 : slot * C;
        }

        /** Writes the last K-1 inputs before step L into the (B, C, K-1) state array. */
        void finalState(int L, float[] out) {
            for (int s = 0; s < K - 1; s++) {
                int tau = L - (K - 1) + s, o = offset(tau);
                float[] a = array(tau);
                for (int c = 0; c < C; c++) out[(b * C + c) * (K - 1) + s] = o < 0 ? 0f : a[o + c];
            }
        }

        /** Adds the final state's gradient (B, C, K-1) into the gradients of the inputs it copied. */
        void addFinalStateGrad(int L, float[] g) {
            for (int s = 0; s < K - 1; s++) {
                int tau = L - (K - 1) + s, o = offset(tau);
                if (o < 0) continue;
                float[] a = array(tau);
                for (int c = 0; c < C; c++) a[o + c] += g[(b * C + c) * (K - 1) + s];
            }
        }

        /** On a gradient window: adds the accumulated state-slot gradients into a (B, C, K-1) array. */
        void addStateGradTo(float[] out) {
            for (int c = 0; c < C; c++) {
                for (int s = 0; s < K - 1; s++) out[(b * C + c) * (K - 1) + s] += stateT[s * C + c];
            }
        }
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c];
        return t;
    }

    private static float[] array(Tensor t) {
        return t.offset() == 0 && t.data().length == t.numel() ? t.data() : t.toArray();
    }

    private static void add(Tensor grad, float[] values) {
        if (grad == null) return;
        Arith.accumulate(grad, Tensor.of(values, grad.shape()), 1f);
    }
}
