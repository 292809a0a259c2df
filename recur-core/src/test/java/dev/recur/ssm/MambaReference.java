package dev.recur.ssm;

import dev.recur.kernel.scalar.ScalarMath;

/**
 * Mamba by its equations, token by token, in double precision ({@code mamba_simple.py}'s step,
 * written from the paper): the conv cache shifts, the SSM state updates with ZOH decays and an
 * Euler input, the output is gated. Also the scan and the convolution alone, for op-level checks.
 */
final class MambaReference {
    private MambaReference() {}

    record Dims(int T, int B, int I, int H, int E, int N, int K, int R) {}

    static double silu(double v) {
        return v * ScalarMath.sigmoid(v);
    }

    /**
     * Inputs: u (T,B,I), in_proj (2E,I), conv weight (E,1,K), conv bias (E), x_proj (R+2N,E),
     * dt_proj weight (E,R), dt_proj bias (E), A_log (E,N), D (E), out_proj (H,E), conv state
     * (B,E,K-1), ssm state (B,E,N). Outputs: y (T,B,H), conv state, ssm state.
     */
    static double[][] layer(double[][] in, Dims s, int[] len) {
        double[] u = in[0], wIn = in[1], cw = in[2], cb = in[3], wX = in[4], wDt = in[5], bDt = in[6], aLog = in[7],
                d = in[8], wOut = in[9], conv0 = in[10], ssm0 = in[11];
        int T = s.T(), B = s.B(), I = s.I(), H = s.H(), E = s.E(), N = s.N(), K = s.K(), R = s.R();
        double[] y = new double[T * B * H], convT = new double[B * E * (K - 1)], ssmT = new double[B * E * N];
        for (int b = 0; b < B; b++) {
            double[][] buf = new double[K - 1][E]; // buf[k] = input K-1-k steps back... oldest first
            for (int k = 0; k < K - 1; k++) for (int e = 0; e < E; e++) buf[k][e] = conv0[(b * E + e) * (K - 1) + k];
            double[][] h = new double[E][N];
            for (int e = 0; e < E; e++) for (int n = 0; n < N; n++) h[e][n] = ssm0[(b * E + e) * N + n];
            int L = len == null ? T : len[b];
            for (int t = 0; t < L; t++) {
                double[] xz = new double[2 * E];
                for (int o = 0; o < 2 * E; o++) for (int i = 0; i < I; i++) xz[o] += wIn[o * I + i] * u[(t * B + b) * I + i];
                double[] xc = new double[E];
                for (int e = 0; e < E; e++) {
                    double acc = cb[e];
                    for (int j = 0; j < K; j++) {
                        double v = j < K - 1 ? buf[j][e] : xz[e];
                        acc += cw[e * K + j] * v;
                    }
                    xc[e] = silu(acc);
                }
                if (K > 1) {
                    for (int k = 0; k < K - 2; k++) buf[k] = buf[k + 1];
                    double[] cur = new double[E];
                    System.arraycopy(xz, 0, cur, 0, E);
                    buf[K - 2] = cur;
                }
                double[] dbc = new double[R + 2 * N];
                for (int o = 0; o < R + 2 * N; o++) for (int e = 0; e < E; e++) dbc[o] += wX[o * E + e] * xc[e];
                double[] gated = scanStep(h, xc, dbc, R, wDt, bDt, aLog, d, java.util.Arrays.copyOfRange(xz, E, 2 * E));
                for (int o = 0; o < H; o++) {
                    double acc = 0;
                    for (int e = 0; e < E; e++) acc += wOut[o * E + e] * gated[e];
                    y[(t * B + b) * H + o] = acc;
                }
            }
            for (int k = 0; k < K - 1; k++) for (int e = 0; e < E; e++) convT[(b * E + e) * (K - 1) + k] = buf[k][e];
            for (int e = 0; e < E; e++) for (int n = 0; n < N; n++) ssmT[(b * E + e) * N + n] = h[e][n];
        }
        return new double[][] {y, convT, ssmT};
    }

    /** One scan step in place on h; dbc = (dt (R), B (N), C (N)); returns the gated output. */
    private static double[] scanStep(double[][] h, double[] x, double[] dbc, int R, double[] wDt, double[] bDt,
                                     double[] aLog, double[] d, double[] z) {
        int E = h.length, N = h[0].length;
        double[] out = new double[E];
        for (int e = 0; e < E; e++) {
            double pre = bDt[e];
            for (int r = 0; r < R; r++) pre += wDt[e * R + r] * dbc[r];
            double delta = ScalarMath.softplus(pre);
            double y = d[e] * x[e];
            for (int n = 0; n < N; n++) {
                double a = -Math.exp(aLog[e * N + n]);
                h[e][n] = Math.exp(delta * a) * h[e][n] + delta * dbc[R + n] * x[e];
                y += dbc[R + N + n] * h[e][n];
            }
            out[e] = z == null ? y : y * silu(z[e]);
        }
        return out;
    }

    /**
     * The selective scan alone. Inputs: x, deltaPre (T,B,E), B, C (T,B,N), z (T,B,E), A_log (E,N),
     * D (E), h0 (B,E,N). Outputs: y (T,B,E), hT (B,E,N).
     */
    static double[][] scan(double[][] in, int T, int B, int E, int N, int[] len, boolean gated) {
        double[] x = in[0], pre = in[1], bm = in[2], cm = in[3];
        int k = 4;
        double[] z = gated ? in[k++] : null;
        double[] aLog = in[k++], d = in[k++], h0 = in[k];
        double[] y = new double[T * B * E], hT = new double[B * E * N];
        double[] wDt = new double[E]; // deltaPre enters through a unit "dt_proj" of rank 1 per channel
        for (int b = 0; b < B; b++) {
            double[][] h = new double[E][N];
            for (int e = 0; e < E; e++) for (int n = 0; n < N; n++) h[e][n] = h0[(b * E + e) * N + n];
            int L = len == null ? T : len[b];
            for (int t = 0; t < L; t++) {
                int r = (t * B + b) * E;
                double[] xr = java.util.Arrays.copyOfRange(x, r, r + E);
                double[] dbc = new double[2 * N];
                for (int n = 0; n < N; n++) {
                    dbc[n] = bm[(t * B + b) * N + n];
                    dbc[N + n] = cm[(t * B + b) * N + n];
                }
                double[] bias = java.util.Arrays.copyOfRange(pre, r, r + E);
                double[] out = scanStep(h, xr, dbc, 0, wDt, bias, aLog, d, z == null ? null : java.util.Arrays.copyOfRange(z, r, r + E));
                System.arraycopy(out, 0, y, r, E);
            }
            for (int e = 0; e < E; e++) for (int n = 0; n < N; n++) hT[(b * E + e) * N + n] = h[e][n];
        }
        return new double[][] {y, hT};
    }

    /** The depthwise causal conv alone. Inputs: x (T,B,C), w (C,1,K), bias (C), state (B,C,K-1). */
    static double[][] conv(double[][] in, int T, int B, int C, int K, int[] len, boolean silu) {
        double[] x = in[0], w = in[1], bias = in[2], s0 = in[3];
        double[] y = new double[T * B * C], sT = new double[B * C * (K - 1)];
        for (int b = 0; b < B; b++) {
            int L = len == null ? T : len[b];
            for (int c = 0; c < C; c++) {
                // the extended sequence: K-1 state slots, then the L inputs
                double[] ext = new double[K - 1 + L];
                for (int k = 0; k < K - 1; k++) ext[k] = s0[(b * C + c) * (K - 1) + k];
                for (int t = 0; t < L; t++) ext[K - 1 + t] = x[(t * B + b) * C + c];
                for (int t = 0; t < L; t++) {
                    double acc = bias[c];
                    for (int j = 0; j < K; j++) acc += w[c * K + j] * ext[t + j];
                    y[(t * B + b) * C + c] = silu ? silu(acc) : acc;
                }
                for (int k = 0; k < K - 1; k++) sT[(b * C + c) * (K - 1) + k] = ext[L + k];
            }
        }
        return new double[][] {y, sT};
    }
}
