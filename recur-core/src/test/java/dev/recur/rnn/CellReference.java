package dev.recur.rnn;

/**
 * The cells written plainly in float64, one sequence and one unit at a time, straight from their
 * equations: the reference of the fused float32 kernels (forward values and, through finite
 * differences, every gradient).
 */
final class CellReference {
    /** What the reference needs to know about a cell. */
    record Spec(CellType type, int H, int P, int heads, boolean resetAfter, boolean relu, boolean peep) {
        int gates() {
            return type.gates;
        }

        int states() {
            return switch (type) {
                case LSTM -> 2;
                case SLSTM -> 4;
                default -> 1;
            };
        }

        int width(int k) {
            return k == 0 ? P : H;
        }

        boolean diagonal() {
            return type == CellType.INDRNN;
        }
    }

    private CellReference() {}

    /**
     * Runs one direction: xg (T, B, G·H), whh, bhh (G·H or null), wr (P, H or null), peep (3H or
     * null), s0[k] (B, width_k). Returns {y (T, B, P), final state k (B, width_k)...}.
     */
    static double[][] run(Spec s, double[] xg, double[] whh, double[] bhh, double[] wr, double[] peep, double[][] s0,
                          int T, int B, int[] lengths, boolean reverse) {
        int H = s.H, P = s.P, GH = s.gates() * H, ns = s.states();
        double[][] out = new double[1 + ns][];
        out[0] = new double[T * B * P];
        for (int k = 0; k < ns; k++) out[1 + k] = new double[B * s.width(k)];
        for (int b = 0; b < B; b++) {
            double[][] st = new double[ns][];
            for (int k = 0; k < ns; k++) {
                st[k] = new double[s.width(k)];
                if (s0[k] != null) System.arraycopy(s0[k], b * s.width(k), st[k], 0, s.width(k));
            }
            int len = lengths == null ? T : lengths[b];
            for (int step = 0; step < len; step++) {
                int t = reverse ? len - 1 - step : step;
                double[] x = new double[GH];
                System.arraycopy(xg, (t * B + b) * GH, x, 0, GH);
                st = step(s, x, whh, bhh, wr, peep, st);
                System.arraycopy(st[0], 0, out[0], (t * B + b) * P, P);
            }
            for (int k = 0; k < ns; k++) System.arraycopy(st[k], 0, out[1 + k], b * s.width(k), s.width(k));
        }
        return out;
    }

    /** Recurrent pre-activation of unit u of gate g from input v: dense, head-wise or diagonal. */
    static double rec(Spec s, double[] w, int g, int u, double[] v) {
        int row = g * s.H + u;
        if (s.diagonal()) return w[row] * v[u];
        if (s.heads > 1) {
            int D = s.H / s.heads, n = u / D;
            double a = 0;
            for (int i = 0; i < D; i++) a += w[row * D + i] * v[n * D + i];
            return a;
        }
        int K = v.length;
        double a = 0;
        for (int i = 0; i < K; i++) a += w[row * K + i] * v[i];
        return a;
    }

    static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double bias(double[] b, int i) {
        return b == null ? 0 : b[i];
    }

    static double[][] step(Spec s, double[] x, double[] w, double[] bh, double[] wr, double[] p, double[][] st) {
        int H = s.H;
        double[] h = st[0];
        double[] hn = new double[s.P];
        switch (s.type) {
            case RNN_TANH, RNN_RELU, INDRNN -> {
                for (int u = 0; u < H; u++) {
                    double a = x[u] + rec(s, w, 0, u, h) + bias(bh, u);
                    hn[u] = s.relu ? Math.max(a, 0) : Math.tanh(a);
                }
                return new double[][] {hn};
            }
            case LSTM -> {
                double[] c = st[1], cn = new double[H], m = new double[H];
                for (int u = 0; u < H; u++) {
                    double[] a = new double[4];
                    for (int g = 0; g < 4; g++) a[g] = x[g * H + u] + rec(s, w, g, u, h) + bias(bh, g * H + u);
                    double i = sig(a[0] + (p == null ? 0 : p[u] * c[u]));
                    double f = sig(a[1] + (p == null ? 0 : p[H + u] * c[u]));
                    double gg = Math.tanh(a[2]);
                    cn[u] = f * c[u] + i * gg;
                    double o = sig(a[3] + (p == null ? 0 : p[2 * H + u] * cn[u]));
                    m[u] = o * Math.tanh(cn[u]);
                }
                if (wr == null) return new double[][] {m, cn};
                for (int q = 0; q < s.P; q++) {
                    double a = 0;
                    for (int u = 0; u < H; u++) a += wr[q * H + u] * m[u];
                    hn[q] = a;
                }
                return new double[][] {hn, cn};
            }
            case GRU -> {
                double[] r = new double[H], z = new double[H];
                for (int u = 0; u < H; u++) {
                    r[u] = sig(x[u] + rec(s, w, 0, u, h) + bias(bh, u));
                    z[u] = sig(x[H + u] + rec(s, w, 1, u, h) + bias(bh, H + u));
                }
                double[] rh = new double[H];
                for (int u = 0; u < H; u++) rh[u] = r[u] * h[u];
                for (int u = 0; u < H; u++) {
                    double n = s.resetAfter
                            ? Math.tanh(x[2 * H + u] + r[u] * (rec(s, w, 2, u, h) + bias(bh, 2 * H + u)))
                            : Math.tanh(x[2 * H + u] + rec(s, w, 2, u, rh) + bias(bh, 2 * H + u));
                    hn[u] = (1 - z[u]) * n + z[u] * h[u];
                }
                return new double[][] {hn};
            }
            case MGU -> {
                double[] f = new double[H], fh = new double[H];
                for (int u = 0; u < H; u++) {
                    f[u] = sig(x[u] + rec(s, w, 0, u, h) + bias(bh, u));
                    fh[u] = f[u] * h[u];
                }
                for (int u = 0; u < H; u++) {
                    double n = Math.tanh(x[H + u] + rec(s, w, 1, u, fh) + bias(bh, H + u));
                    hn[u] = (1 - f[u]) * h[u] + f[u] * n;
                }
                return new double[][] {hn};
            }
            case SLSTM -> {
                double[] c = st[1], n = st[2], m = st[3];
                double[] cn = new double[H], nn = new double[H], mn = new double[H];
                for (int u = 0; u < H; u++) {
                    double[] a = new double[4];
                    for (int g = 0; g < 4; g++) a[g] = x[g * H + u] + rec(s, w, g, u, h) + bias(bh, g * H + u);
                    double lf = -Math.log1p(Math.exp(-a[1]));
                    mn[u] = Math.max(lf + m[u], a[0]);
                    double ig = Math.exp(a[0] - mn[u]), fg = Math.exp(lf + m[u] - mn[u]);
                    cn[u] = fg * c[u] + ig * Math.tanh(a[2]);
                    nn[u] = fg * n[u] + ig;
                    hn[u] = sig(a[3]) * cn[u] / nn[u];
                }
                return new double[][] {hn, cn, nn, mn};
            }
            default -> throw new IllegalArgumentException(s.type.toString());
        }
    }
}
