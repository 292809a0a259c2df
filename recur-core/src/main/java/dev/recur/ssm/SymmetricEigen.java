package dev.recur.ssm;

/**
 * Eigenvalues and eigenvectors of a real symmetric matrix by the cyclic Jacobi method, in double
 * precision. O(n^3) per sweep and a handful of sweeps: meant for initialisation-time matrices
 * (HiPPO up to a few hundred states), where its simplicity and accuracy on clustered and repeated
 * eigenvalues matter more than speed.
 */
final class SymmetricEigen {
    /** Eigenvalues in descending order; {@code vectors[i][k]} is component i of eigenvector k. */
    record Result(double[] values, double[][] vectors) {}

    private SymmetricEigen() {}

    static Result decompose(double[][] symmetric) {
        int n = symmetric.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            if (symmetric[i].length != n) throw new IllegalArgumentException("matrix is not square");
            a[i] = symmetric[i].clone();
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) v[i][i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0, total = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double x = a[i][j] * a[i][j];
                    total += x;
                    if (i != j) off += x;
                }
            }
            if (off <= 1e-30 * total || off == 0) break;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] != 0) rotate(a, v, p, q);
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = a[order[k]][order[k]];
            for (int i = 0; i < n; i++) vectors[i][k] = v[i][order[k]];
        }
        return new Result(values, vectors);
    }

    /** One Jacobi rotation that zeroes a[p][q] (Golub and Van Loan, Algorithm 8.5.1). */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) t = 1;
        double c = 1 / Math.sqrt(t * t + 1), s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) { // A <- A J (columns p, q)
            double akp = a[k][p], akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) { // A <- J^T A (rows p, q)
            double apk = a[p][k], aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p], vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }
}
