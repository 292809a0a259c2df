package dev.recur.pararnn;

/** The built-in and test cells in float64, one step, for the reference recurrences of the tests. */
final class CellReference {
    /** One step: h (k, B, U) -> h' for drive u (B, D) and parameters p (flattened). */
    @FunctionalInterface
    interface Step {
        double[] apply(double[][] p, int B, double[] h, double[] u);
    }

    private CellReference() {}

    static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static Step gru(int U) {
        return (p, B, h, u) -> {
            double[] o = new double[B * U];
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < U; j++) {
                    double hp = h[b * U + j];
                    int d = b * 3 * U + j;
                    double z = sig(u[d] + p[0][j] * hp), r = sig(u[d + U] + p[1][j] * hp);
                    double c = Math.tanh(u[d + 2 * U] + p[2][j] * r * hp);
                    o[b * U + j] = (1 - z) * hp + z * c;
                }
            }
            return o;
        };
    }

    static Step lstm(int U) {
        return (p, B, h, u) -> {
            int M = B * U;
            double[] o = new double[2 * M];
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < U; j++) {
                    int m = b * U + j, d = b * 3 * U + j;
                    double c = h[m], hh = h[M + m];
                    double f = sig(u[d] + p[0][j] * hh + p[1][j] * c);
                    double g = Math.tanh(u[d + U] + p[2][j] * hh);
                    double c2 = f * c + (1 - f) * g;
                    double og = sig(u[d + 2 * U] + p[3][j] * hh + p[4][j] * c2);
                    o[m] = c2;
                    o[M + m] = og * Math.tanh(c2);
                }
            }
            return o;
        };
    }

    static Step coupled(int U) {
        return (p, B, h, u) -> {
            int M = B * U;
            double[] o = new double[3 * M];
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < U; j++) {
                    int m = b * U + j;
                    for (int i = 0; i < 3; i++) {
                        double pre = u[b * 3 * U + i * U + j];
                        for (int c = 0; c < 3; c++) pre += p[0][j * 9 + i * 3 + c] * h[c * M + m];
                        o[i * M + m] = Math.tanh(pre);
                    }
                }
            }
            return o;
        };
    }

    /**
     * The sequence in float64: outputs (T, B, U) of component {@code oc}, zero past each length,
     * then the final state per component (B, U).
     */
    static double[][] run(Step step, int k, int U, int oc, double[] drive, double[][] params, double[] init, int T, int B, int D, int[] len) {
        int M = B * U;
        double[] h = init != null ? init.clone() : new double[k * M];
        double[] y = new double[T * M];
        double[][] fin = new double[k][M];
        for (int b = 0; b < B; b++) for (int i = 0; i < k; i++) System.arraycopy(h, i * M + b * U, fin[i], b * U, U);
        for (int t = 0; t < T; t++) {
            double[] u = new double[B * D];
            System.arraycopy(drive, t * B * D, u, 0, B * D);
            h = step.apply(params, B, h, u);
            for (int b = 0; b < B; b++) {
                if (len != null && t >= len[b]) continue;
                System.arraycopy(h, oc * M + b * U, y, (t * B + b) * U, U);
                for (int i = 0; i < k; i++) System.arraycopy(h, i * M + b * U, fin[i], b * U, U);
            }
        }
        double[][] out = new double[1 + k][];
        out[0] = y;
        System.arraycopy(fin, 0, out, 1, k);
        return out;
    }
}
