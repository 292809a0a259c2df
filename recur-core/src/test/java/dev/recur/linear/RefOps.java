package dev.recur.linear;

/**
 * Float64 building blocks of the layer references, written plainly from their definitions.
 * Tensors are flat row-major arrays; "rows" are the (T · B) tokens of a time-major sequence.
 */
final class RefOps {
    private RefOps() {}

    /** x (rows × in) Wᵀ (W: out × in) + b. */
    static double[] linear(double[] x, double[] w, double[] b, int rows, int in, int out) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) s += x[r * in + i] * w[o * in + i];
                y[r * out + o] = s;
            }
        }
        return y;
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static double[] silu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * sigmoid(x[i]);
        return y;
    }

    static double[] sigmoid(double[] x, double c) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = c * sigmoid(x[i]);
        return y;
    }

    static double[] logSigmoid(double[] x, double c) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = c * Math.log(sigmoid(x[i]));
        return y;
    }

    static double[] scale(double[] x, double c) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = c * x[i];
        return y;
    }

    /** Each run of {@code width} divided by sqrt(Σx² + 1e-6), times c. */
    static double[] l2Normalize(double[] x, int width, double c) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / width; r++) {
            double s = 1e-6;
            for (int i = 0; i < width; i++) s += x[r * width + i] * x[r * width + i];
            for (int i = 0; i < width; i++) y[r * width + i] = c * x[r * width + i] / Math.sqrt(s);
        }
        return y;
    }

    /**
     * Causal depthwise convolution with SiLU over x (T, B, C), weight (C, 1, K), state s0
     * (B, K − 1, C) or null; returns {y, state after each sequence's last valid step}.
     */
    static double[][] shortConv(double[] x, double[] w, double[] s0, int T, int B, int C, int K, int[] lengths) {
        double[] y = new double[T * B * C], last = new double[B * C * (K - 1)];
        for (int b = 0; b < B; b++) {
            int len = CoreReference.len(lengths, b, T);
            for (int t = 0; t < len; t++) { // zero past the length
                for (int c = 0; c < C; c++) {
                    double s = 0;
                    for (int j = 0; j < K; j++) s += w[c * K + j] * tap(x, s0, t - (K - 1) + j, b, c, B, C, K);
                    y[(t * B + b) * C + c] = s * sigmoid(s);
                }
            }
            for (int i = 0; i < K - 1; i++) {
                for (int c = 0; c < C; c++) last[(b * C + c) * (K - 1) + i] = tap(x, s0, len - (K - 1) + i, b, c, B, C, K);
            }
        }
        return new double[][] {y, last};
    }

    private static double tap(double[] x, double[] s0, int tau, int b, int c, int B, int C, int K) {
        if (tau >= 0) return x[(tau * B + b) * C + c];
        return s0 == null ? 0 : s0[(b * C + c) * (K - 1) + K - 1 + tau];
    }

    /**
     * RMSNorm of each head's dv values (eps 1e-5, weight w) times the activated gate (silu, sigmoid,
     * or none when z is null); zero at steps past each length. o, z: (T, B, H · dv).
     */
    static double[] gatedRmsNorm(double[] o, double[] z, double[] w, boolean sigmoidGate, int T, int B, int H, int dv,
                                 int[] lengths) {
        double[] y = new double[o.length];
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                if (t >= CoreReference.len(lengths, b, T)) continue;
                for (int h = 0; h < H; h++) {
                    int base = ((t * B + b) * H + h) * dv;
                    double ms = 0;
                    for (int j = 0; j < dv; j++) ms += o[base + j] * o[base + j];
                    double r = 1 / Math.sqrt(ms / dv + 1e-5);
                    for (int j = 0; j < dv; j++) {
                        double gate = z == null ? 1 : sigmoidGate ? sigmoid(z[base + j]) : z[base + j] * sigmoid(z[base + j]);
                        y[base + j] = o[base + j] * r * w[j] * gate;
                    }
                }
            }
        }
        return y;
    }

    /** Gated DeltaNet's log decay −exp(A_log_h) softplus(a + dt_bias_h) over a (…, H). */
    static double[] decay(double[] a, double[] aLog, double[] dtBias) {
        int H = aLog.length;
        double[] g = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double z = a[i] + dtBias[i % H];
            g[i] = -Math.exp(aLog[i % H]) * Math.log1p(Math.exp(z));
        }
        return g;
    }
}
