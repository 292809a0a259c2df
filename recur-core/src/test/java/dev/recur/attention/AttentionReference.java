package dev.recur.attention;

/**
 * Causal self-attention by its definition, query by query, in double precision: projections,
 * rotary embedding at absolute positions, softmax over the allowed earlier positions (all, or the
 * last W), output projection; the key/value cache read and written position by position.
 */
final class AttentionReference {
    private AttentionReference() {}

    record Setup(int T, int B, int I, int D, int heads, int window, boolean rope, double base, int slots, int[] seen, int[] len) {}

    static double[] rope(double[] x, long p, double base) {
        int d = x.length, half = d / 2;
        double[] r = x.clone();
        for (int i = 0; i < half; i++) {
            double a = p * Math.pow(base, -2.0 * i / d), c = Math.cos(a), s = Math.sin(a);
            r[i] = x[i] * c - x[half + i] * s;
            r[half + i] = x[half + i] * c + x[i] * s;
        }
        return r;
    }

    /**
     * Inputs: x (T,B,I), Wq, Wk, Wv (D,I), Wo (D,D), and when slots > 0 or a window is set, the
     * cache keys and values (B, heads, slots, d). Outputs: y (T,B,D), new keys and values.
     */
    static double[][] run(double[][] in, Setup s) {
        int T = s.T(), B = s.B(), I = s.I(), D = s.D(), H = s.heads(), dh = D / H, W = s.window();
        double[] x = in[0], wq = in[1], wk = in[2], wv = in[3], wo = in[4];
        double[] ck = in.length > 5 ? in[5] : new double[0], cv = in.length > 6 ? in[6] : new double[0];
        int S = s.slots();
        int S2 = 0;
        int[] after = new int[B];
        for (int b = 0; b < B; b++) {
            int L = s.len() == null ? T : s.len()[b];
            after[b] = s.seen()[b] + L;
            S2 = Math.max(S2, after[b]);
        }
        if (W > 0) S2 = W;
        double[] y = new double[T * B * D], k2 = new double[B * H * S2 * dh], v2 = new double[B * H * S2 * dh];
        for (int b = 0; b < B; b++) {
            int P0 = s.seen()[b], L = s.len() == null ? T : s.len()[b];
            for (int h = 0; h < H; h++) {
                // every position this sequence knows: cached ones, then new ones
                double[][] keys = new double[after[b]][], vals = new double[after[b]][]; // by position
                int firstCached = W > 0 ? Math.max(0, P0 - W) : 0;
                for (int p = firstCached; p < P0; p++) {
                    int slot = W > 0 ? p % W : p, o = ((b * H + h) * S + slot) * dh;
                    keys[p] = java.util.Arrays.copyOfRange(ck, o, o + dh);
                    vals[p] = java.util.Arrays.copyOfRange(cv, o, o + dh);
                }
                double[][] qs = new double[L][];
                for (int t = 0; t < L; t++) {
                    double[] qh = new double[dh], kh = new double[dh], vh = new double[dh];
                    for (int c = 0; c < dh; c++) {
                        int o = h * dh + c;
                        for (int i = 0; i < I; i++) {
                            double xi = x[(t * B + b) * I + i];
                            qh[c] += wq[o * I + i] * xi;
                            kh[c] += wk[o * I + i] * xi;
                            vh[c] += wv[o * I + i] * xi;
                        }
                    }
                    if (s.rope()) {
                        qh = rope(qh, P0 + t, s.base());
                        kh = rope(kh, P0 + t, s.base());
                    }
                    qs[t] = qh;
                    keys[P0 + t] = kh;
                    vals[P0 + t] = vh;
                }
                for (int t = 0; t < L; t++) {
                    int p = P0 + t, lo = W > 0 ? p - W + 1 : 0;
                    int from = Math.max(lo, 0);
                    double m = Double.NEGATIVE_INFINITY;
                    double[] score = new double[p + 1];
                    for (int j = from; j <= p; j++) {
                        double sc = 0;
                        for (int c = 0; c < dh; c++) sc += qs[t][c] * keys[j][c];
                        score[j] = sc / Math.sqrt(dh);
                        m = Math.max(m, score[j]);
                    }
                    double z = 0;
                    for (int j = from; j <= p; j++) z += Math.exp(score[j] - m);
                    double[] o = new double[dh];
                    for (int j = from; j <= p; j++) {
                        double a = Math.exp(score[j] - m) / z;
                        for (int c = 0; c < dh; c++) o[c] += a * vals[j][c];
                    }
                    for (int c = 0; c < dh; c++) y[(t * B + b) * D + h * dh + c] = o[c]; // concat of heads, projected below
                }
                int first = W > 0 ? Math.max(0, after[b] - W) : 0;
                for (int p = first; p < after[b]; p++) {
                    int slot = W > 0 ? p % W : p, o = ((b * H + h) * S2 + slot) * dh;
                    System.arraycopy(keys[p], 0, k2, o, dh);
                    System.arraycopy(vals[p], 0, v2, o, dh);
                }
            }
            for (int t = 0; t < L; t++) {
                double[] cat = java.util.Arrays.copyOfRange(y, (t * B + b) * D, (t * B + b + 1) * D);
                for (int o = 0; o < D; o++) {
                    double acc = 0;
                    for (int j = 0; j < D; j++) acc += wo[o * D + j] * cat[j];
                    y[(t * B + b) * D + o] = acc;
                }
            }
        }
        return new double[][] {y, k2, v2};
    }
}
