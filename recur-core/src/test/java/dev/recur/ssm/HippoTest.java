package dev.recur.ssm;

import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HippoTest {
    @Test
    void legsMatrixFollowsItsFormula() {
        double[][] a = Hippo.legsA(4);
        assertEquals(-1, a[0][0]);
        assertEquals(-4, a[3][3]);
        assertEquals(-Math.sqrt(7) * Math.sqrt(3), a[3][1], 1e-12);
        assertEquals(0, a[1][2]);
        assertEquals(Math.sqrt(5), Hippo.legsB(4)[2], 1e-12);
    }

    @Test
    void normalPartIsMinusHalfPlusSkewSymmetric() {
        double[][] s = Hippo.legsNormal(9);
        for (int i = 0; i < 9; i++) {
            assertEquals(-0.5, s[i][i], 1e-12);
            for (int k = 0; k < 9; k++) if (i != k) assertEquals(-s[k][i], s[i][k], 1e-12);
        }
    }

    @Test
    void jacobiDecomposesSymmetricMatrices() {
        Rng rng = new Rng(3);
        int n = 12;
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) for (int k = 0; k <= i; k++) m[i][k] = m[k][i] = rng.nextGaussian();
        SymmetricEigen.Result r = SymmetricEigen.decompose(m);
        for (int k = 0; k < n; k++) {
            if (k > 0) assertTrue(r.values()[k - 1] >= r.values()[k]);
            for (int i = 0; i < n; i++) {
                double mv = 0;
                for (int j = 0; j < n; j++) mv += m[i][j] * r.vectors()[j][k];
                assertEquals(r.values()[k] * r.vectors()[i][k], mv, 1e-10);
            }
        }
    }

    @Test
    void diagonalLegsModesAreEigenpairsAndReproduceTheNormalKernel() {
        int n = 16;
        Hippo.Mode[] modes = Hippo.diagonalLegs(n);
        assertEquals(n / 2, modes.length);
        for (int k = 0; k < modes.length; k++) {
            assertEquals(-0.5, modes[k].aRe());
            assertTrue(modes[k].aIm() > 0);
            if (k > 0) assertTrue(modes[k].aIm() > modes[k - 1].aIm());
        }
        // The impulse response of the full normal system, c^T exp(t (A + PP^T)) B for a real c, equals
        // 2 Re sum_k (c^T w_k)(w_k^* B) exp(t A_k); check it through the projection of B instead:
        // sum over all 2n/2 eigenvectors of |w^* B|^2 = |B|^2 (V is unitary), i.e. 2 sum_k |B_k|^2 = |B|^2.
        double norm = 0;
        for (Hippo.Mode m : modes) norm += 2 * (m.bRe() * m.bRe() + m.bIm() * m.bIm());
        double bb = 0;
        for (double b : Hippo.legsB(n)) bb += b * b;
        assertEquals(bb, norm, 1e-9 * bb);
        // And the scalar response B^T exp(t N) B (N the normal part) against a matrix exponential by series.
        double t = 0.3;
        double[][] e = expm(Hippo.legsNormal(n), t);
        double[] b = Hippo.legsB(n);
        double direct = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) direct += b[i] * e[i][j] * b[j];
        double viaModes = 0;
        for (Hippo.Mode m : modes) {
            // B^T w_k w_k^* B = |w_k^* B|^2 for real B; summed with the conjugate pair: 2 Re(|B_k|^2 e^{t A_k}).
            Complex ez = new Complex(m.aRe() * t, m.aIm() * t).exp();
            viaModes += 2 * (m.bRe() * m.bRe() + m.bIm() * m.bIm()) * ez.re();
        }
        assertEquals(direct, viaModes, 1e-8 * Math.abs(direct));
    }

    /** exp(tA) by scaling and squaring of a Taylor series (test-only; double precision). */
    static double[][] expm(double[][] a, double t) {
        int n = a.length, squarings = 10;
        double scale = t / (1 << squarings);
        double[][] term = identity(n), sum = identity(n);
        for (int k = 1; k < 30; k++) {
            term = multiply(term, a);
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) term[i][j] *= scale / k;
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) sum[i][j] += term[i][j];
        }
        for (int s = 0; s < squarings; s++) sum = multiply(sum, sum);
        return sum;
    }

    static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) m[i][i] = 1;
        return m;
    }

    static double[][] multiply(double[][] x, double[][] y) {
        int n = x.length;
        double[][] r = new double[n][n];
        for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) for (int j = 0; j < n; j++) r[i][j] += x[i][k] * y[k][j];
        return r;
    }

    @Test
    void oddStateSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Hippo.diagonalLegs(7));
    }
}
