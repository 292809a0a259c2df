package dev.recur.ssm;

import dev.recur.ConfigException;
import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Activations;
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
        float[] xa = array(xv);
        float[][] w = taps(array(wv), C, K);
        float[] ba = bias == null ? null : array(bias.value().contiguous());
        float[] s0 = state == null ? null : array(state.value().contiguous());
        int[] len = lengths == null ? null : lengths.values();
        Tensor pre = Tensor.zeros(T, B, C), y = silu ? Tensor.zeros(T, B, C) : pre, sT = Tensor.zeros(B, C, K - 1);
        float[] p = pre.data(), ya = y.data();
        Activations act = Backends.active().activations();
        // SiLU row by row inside the parallel loop: as one pass after it, it ran on the calling thread alone.
        // Rows past a length are never written, so they stay zero in both outputs.
        Parallel.forRange(B, 1, (start, end) -> {
            float[] acc = new float[C];
            for (int b = start; b < end; b++) {
                Window win = new Window(K, C);
                win.loadState(s0, b);
                int L = len == null ? T : len[b];
                for (int t = 0; t < L; t++) {
                    int row = (t * B + b) * C;
                    float[][] rows = win.push(xa, row);
                    if (ba != null) System.arraycopy(ba, 0, acc, 0, C);
                    else java.util.Arrays.fill(acc, 0f);
                    for (int j = 0; j < K; j++) {
                        float[] wj = w[j], xj = rows[j];
                        for (int c = 0; c < C; c++) acc[c] += wj[c] * xj[c];
                    }
                    System.arraycopy(acc, 0, p, row, C);
                    if (silu) act.silu(acc, 0, ya, row, C);
                }
                win.storeState(sT.data(), b);
            }
        });
        Var[] out = new Node(x, weight, bias, state) {
            @Override
            protected void backward(Tensor[] g) {
                float[] gPre = new float[T * B * C];
                float[] gy = g[0] == null ? null : array(g[0].contiguous());
                float[] gsT = g[1] == null ? null : array(g[1].contiguous());
                // The input gradient goes straight into x's gradient buffer when that is one contiguous run.
                Tensor gxT = gradOf(0);
                boolean direct = gxT != null && gxT.isContiguous();
                float[] gx = direct ? gxT.data() : new float[T * B * C], gs0 = new float[B * C * (K - 1)];
                int gxOff = direct ? gxT.offset() : 0;
                float[][][] gwPart = new float[B][][];
                float[][] gbPart = new float[B][];
                Parallel.forRange(B, 1, (start, end) -> {
                    float[] gp = new float[C], acc = new float[C];
                    for (int b = start; b < end; b++) {
                        int L = len == null ? T : len[b];
                        // Taps and bias: dw[j] += g_t x_{t-K+1+j}, over the same window as the forward pass.
                        float[][] pw = new float[K][C];
                        float[] pb = new float[C];
                        if (gy != null) { // this sequence's rows of the pre-activation gradient (only t < L are read)
                            for (int t = 0; t < L; t++) {
                                int row = (t * B + b) * C;
                                if (silu) act.siluBackward(p, row, gy, row, gPre, row, C);
                                else System.arraycopy(gy, row, gPre, row, C);
                            }
                        }
                        Window win = new Window(K, C);
                        win.loadState(s0, b);
                        for (int t = 0; t < L; t++) {
                            int row = (t * B + b) * C;
                            float[][] rows = win.push(xa, row);
                            System.arraycopy(gPre, row, gp, 0, C);
                            for (int c = 0; c < C; c++) pb[c] += gp[c];
                            for (int j = 0; j < K; j++) {
                                float[] pj = pw[j], xj = rows[j];
                                for (int c = 0; c < C; c++) pj[c] += gp[c] * xj[c];
                            }
                        }
                        // Inputs: dx_tau = sum_j w[j] g_{tau+K-1-j}, for tau from L-1 down to the first state slot,
                        // plus the final state's gradient for the inputs it copied.
                        Window later = new Window(K, C); // rows g_tau .. g_{tau+K-1}, zero past L
                        for (int tau = L - 1; tau >= -(K - 1); tau--) {
                            float[][] rows = later.pushFront(tau >= 0 ? gPre : null, (tau * B + b) * C);
                            java.util.Arrays.fill(acc, 0f);
                            for (int j = 0; j < K; j++) {
                                float[] wj = w[j], gj = rows[K - 1 - j];
                                for (int c = 0; c < C; c++) acc[c] += wj[c] * gj[c];
                            }
                            int slot = tau - (L - (K - 1)); // final-state slot holding x_tau
                            if (gsT != null && slot >= 0) {
                                for (int c = 0; c < C; c++) acc[c] += gsT[(b * C + c) * (K - 1) + slot];
                            }
                            if (tau >= 0) {
                                if (direct) Backends.active().reductions().axpy(1f, acc, 0, gx, gxOff + (tau * B + b) * C, C);
                                else System.arraycopy(acc, 0, gx, (tau * B + b) * C, C);
                            } else {
                                for (int c = 0; c < C; c++) gs0[(b * C + c) * (K - 1) + (K - 1 + tau)] = acc[c];
                            }
                        }
                        gwPart[b] = pw;
                        gbPart[b] = pb;
                    }
                });
                float[] gw = new float[C * K], gb = new float[C];
                for (int b = 0; b < B; b++) { // fixed order: same bits for any thread count
                    for (int j = 0; j < K; j++) for (int c = 0; c < C; c++) gw[c * K + j] += gwPart[b][j][c];
                    for (int c = 0; c < C; c++) gb[c] += gbPart[b][c];
                }
                if (!direct) add(gxT, gx);
                add(gradOf(1), gw);
                add(gradOf(2), gb);
                add(gradOf(3), gs0);
            }
        }.outputs(y, sT);
        return new Output(out[0], out[1]);
    }

    /**
     * K rows of C floats, each a time step of one sequence, held in separate arrays and rotated by
     * reference, so that the tap loops index every array by the bare channel counter (the form C2
     * vectorises) and a step costs one row copy.
     */
    private static final class Window {
        private final float[][] rows;
        private final int K, C;

        Window(int K, int C) {
            this.K = K;
            this.C = C;
            this.rows = new float[K][C];
        }

        /**
         * The K-1 state slots become the rows before the first input (zeros without a state), in
         * rows 1..K-1: the first {@link #push} drops row 0.
         */
        void loadState(float[] state, int b) {
            if (state == null) return;
            for (int s = 0; s < K - 1; s++) for (int c = 0; c < C; c++) rows[s + 1][c] = state[(b * C + c) * (K - 1) + s];
        }

        /** Writes the last K-1 rows, oldest first, as the state slots. */
        void storeState(float[] state, int b) {
            for (int s = 0; s < K - 1; s++) for (int c = 0; c < C; c++) state[(b * C + c) * (K - 1) + s] = rows[s + 1][c];
        }

        /** Drops the oldest row and appends {@code src[off, off + C)}: rows j = 0..K-1 are steps t-K+1..t. */
        float[][] push(float[] src, int off) {
            float[] reuse = rows[0];
            System.arraycopy(rows, 1, rows, 0, K - 1);
            rows[K - 1] = reuse;
            System.arraycopy(src, off, reuse, 0, C);
            return rows;
        }

        /** Drops the newest row and prepends {@code src[off, off + C)}, or zeros when src is null. */
        float[][] pushFront(float[] src, int off) {
            float[] reuse = rows[K - 1];
            System.arraycopy(rows, 0, rows, 1, K - 1);
            rows[0] = reuse;
            if (src == null) java.util.Arrays.fill(reuse, 0f);
            else System.arraycopy(src, off, reuse, 0, C);
            return rows;
        }
    }

    /** The (C, 1, K) weight as K rows of C: tap j of every channel. */
    private static float[][] taps(float[] w, int C, int K) {
        float[][] t = new float[K][C];
        for (int c = 0; c < C; c++) for (int j = 0; j < K; j++) t[j][c] = w[c * K + j];
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
