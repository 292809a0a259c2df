package dev.recur.ssm;

/**
 * The HiPPO-LegS state space (Gu et al., "HiPPO", 2020; used by LSSL and S4) and its diagonal
 * form (S4D-LegS, Gu et al., "On the Parameterization and Initialization of Diagonal State Space
 * Models", 2022).
 *
 * <p>LegS: {@code A_nk = -sqrt(2n+1) sqrt(2k+1)} for {@code n > k}, {@code -(n+1)} on the diagonal
 * and 0 above; {@code B_n = sqrt(2n+1)}. A itself is not stably diagonalisable, but adding the
 * rank-one {@code P P^T} with {@code P_n = sqrt(n + 1/2)} makes it normal:
 * {@code A + P P^T = -I/2 + S} with S skew-symmetric. Its eigenvalues are {@code -1/2 +- i w_k};
 * dropping the rank-one term and keeping one of each conjugate pair gives the diagonal system
 * (Lambda, V^* B) that S4D-LegS starts from.
 */
public final class Hippo {
    private Hippo() {}

    /** The LegS transition matrix A (n x n). */
    public static double[][] legsA(int n) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < i; k++) a[i][k] = -Math.sqrt(2.0 * i + 1) * Math.sqrt(2.0 * k + 1);
            a[i][i] = -(i + 1);
        }
        return a;
    }

    /** The LegS input vector B_n = sqrt(2n + 1). */
    public static double[] legsB(int n) {
        double[] b = new double[n];
        for (int i = 0; i < n; i++) b[i] = Math.sqrt(2.0 * i + 1);
        return b;
    }

    /** The normal part A + P P^T with P_n = sqrt(n + 1/2). */
    public static double[][] legsNormal(int n) {
        double[][] a = legsA(n);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) a[i][k] += Math.sqrt(i + 0.5) * Math.sqrt(k + 0.5);
        }
        return a;
    }

    /** One mode per conjugate pair of the diagonalised LegS system: eigenvalue and projected input. */
    public record Mode(double aRe, double aIm, double bRe, double bIm) {}

    /**
     * The n/2 modes of the diagonalised normal part of LegS (n even), with {@code Im A > 0}, in
     * increasing frequency: {@code A_k = -1/2 + i w_k} and {@code B_k = w_k^* B} for the unit
     * eigenvector {@code w_k}. Summing {@code 2 Re(...)} over these modes reproduces the full
     * n-dimensional normal system.
     *
     * <p>Computed from the symmetric matrix {@code -S^2 = S^T S}, whose eigenvalues are
     * {@code w_k^2}, each twice: for a unit eigenvector x and {@code y = S x / w}, the vector
     * {@code (x - i y)/sqrt 2} is an eigenvector of S with eigenvalue {@code i w}.
     */
    public static Mode[] diagonalLegs(int n) {
        if (n < 2 || n % 2 != 0) throw new IllegalArgumentException("diagonal LegS needs an even state size, got " + n);
        double[][] normal = legsNormal(n);
        double[][] s = new double[n][n]; // the skew-symmetric part
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) s[i][k] = i == k ? 0 : normal[i][k];
        }
        double[][] sts = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double acc = 0;
                for (int j = 0; j < n; j++) acc += s[j][i] * s[j][k];
                sts[i][k] = acc;
            }
        }
        SymmetricEigen.Result eig = SymmetricEigen.decompose(sts);
        double[] b = legsB(n);
        int modes = n / 2;
        Mode[] out = new Mode[modes];
        for (int k = 0; k < modes; k++) {
            int col = 2 * k; // eigenvalues come in equal pairs (descending); one vector of each pair
            double w = Math.sqrt(Math.max(0, eig.values()[col]));
            double[] x = new double[n];
            for (int i = 0; i < n; i++) x[i] = eig.vectors()[i][col];
            double xb = 0, yb = 0;
            for (int i = 0; i < n; i++) {
                double yi = 0;
                for (int j = 0; j < n; j++) yi += s[i][j] * x[j];
                yi /= w;
                xb += x[i] * b[i];
                yb += yi * b[i];
            }
            // w_k = (x - i y)/sqrt 2, so w_k^* B = (x.B + i y.B)/sqrt 2.
            out[modes - 1 - k] = new Mode(-0.5, w, xb / Math.sqrt(2), yb / Math.sqrt(2));
        }
        return out;
    }
}
