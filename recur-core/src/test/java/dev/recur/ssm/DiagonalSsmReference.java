package dev.recur.ssm;

/**
 * The diagonal SSM by its equations, one step at a time, in double precision (S4D, Gu et al. 2022,
 * eqs. (1)-(3) with the ZOH or bilinear rule). Independent of the main code: its own complex
 * arithmetic and discretisation formulas.
 *
 * <p>Inputs (flattened row-major, as GradCheck passes them): u (T,B,H), logDt (H), logAReal,
 * aImag, bRe, bIm, cRe, cIm (H,M), d (H), x0Re, x0Im (B,M,H). Outputs: y (T,B,H), x (B,M,H)
 * real and imaginary parts.
 */
final class DiagonalSsmReference {
    private DiagonalSsmReference() {}

    static double[][] run(double[][] in, int T, int B, int H, int M, int[] len, boolean bilinear) {
        double[] u = in[0], logDt = in[1], lar = in[2], aim = in[3], bre = in[4], bim = in[5], cre = in[6], cim = in[7], d = in[8];
        double[] x0r = in.length > 9 ? in[9] : new double[B * H * M], x0i = in.length > 10 ? in[10] : new double[B * H * M];
        double[] y = new double[T * B * H], xr = new double[B * H * M], xi = new double[B * H * M];
        for (int h = 0; h < H; h++) {
            double dt = Math.exp(logDt[h]);
            for (int n = 0; n < M; n++) {
                int i = h * M + n;
                double ar = -Math.exp(lar[i]), ai = aim[i];
                double[] lam, g;
                if (bilinear) {
                    double[] den = {1 - 0.5 * dt * ar, -0.5 * dt * ai};
                    lam = div(new double[] {1 + 0.5 * dt * ar, 0.5 * dt * ai}, den);
                    g = div(new double[] {dt, 0}, den);
                } else {
                    double m = Math.exp(dt * ar);
                    lam = new double[] {m * Math.cos(dt * ai), m * Math.sin(dt * ai)};
                    g = div(new double[] {lam[0] - 1, lam[1]}, new double[] {ar, ai});
                }
                double[] bBar = mul(g, new double[] {bre[i], bim[i]});
                for (int b = 0; b < B; b++) {
                    int s = (b * M + n) * H + h;
                    double[] x = {x0r[s], x0i[s]};
                    int L = len == null ? T : len[b];
                    for (int t = 0; t < L; t++) {
                        double ut = u[(t * B + b) * H + h];
                        double[] lx = mul(lam, x);
                        x = new double[] {lx[0] + bBar[0] * ut, lx[1] + bBar[1] * ut};
                        y[(t * B + b) * H + h] += 2 * (cre[i] * x[0] - cim[i] * x[1]);
                    }
                    xr[s] = x[0];
                    xi[s] = x[1];
                }
            }
            for (int b = 0; b < B; b++) {
                int L = len == null ? T : len[b];
                for (int t = 0; t < L; t++) y[(t * B + b) * H + h] += d[h] * u[(t * B + b) * H + h];
            }
        }
        return new double[][] {y, xr, xi};
    }

    private static double[] mul(double[] a, double[] b) {
        return new double[] {a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]};
    }

    private static double[] div(double[] a, double[] b) {
        double m = b[0] * b[0] + b[1] * b[1];
        return new double[] {(a[0] * b[0] + a[1] * b[1]) / m, (a[1] * b[0] - a[0] * b[1]) / m};
    }
}
