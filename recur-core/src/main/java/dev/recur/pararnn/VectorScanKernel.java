package dev.recur.pararnn;

import dev.recur.kernel.vector.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The scan loops on whole vectors of lanes (batch x units). Blocks of size 1 and 2, the common
 * cases (diagonal cells, LSTM-like pairs), are written out so their vectors stay in registers;
 * size 3 goes through the general loop. Every iteration runs under a mask so the tail gets the
 * same math.
 */
final class VectorScanKernel implements ScanKernel {
    private static final VectorSpecies<Float> S = VectorMath.SPECIES;

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public void affine(int k, int M, int m0, int m1, float[] J, int jOff, boolean transpose,
                       float[] src, int sOff, float[] r, int rOff, float[] dst, int dOff) {
        int L = S.length();
        if (src == null) {
            for (int i = 0; i < k; i++) {
                for (int m = m0; m < m1; m += L) {
                    VectorMask<Float> mask = S.indexInRange(m, m1);
                    FloatVector.fromArray(S, r, rOff + i * M + m, mask).intoArray(dst, dOff + i * M + m, mask);
                }
            }
            return;
        }
        if (k == 1) {
            for (int m = m0; m < m1; m += L) {
                VectorMask<Float> mask = S.indexInRange(m, m1);
                FloatVector a = FloatVector.fromArray(S, J, jOff + m, mask);
                FloatVector s = FloatVector.fromArray(S, src, sOff + m, mask);
                FloatVector b = FloatVector.fromArray(S, r, rOff + m, mask);
                a.mul(s).add(b).intoArray(dst, dOff + m, mask);
            }
        } else if (k == 2) {
            int e01 = transpose ? 2 : 1, e10 = transpose ? 1 : 2;
            for (int m = m0; m < m1; m += L) {
                VectorMask<Float> mask = S.indexInRange(m, m1);
                FloatVector s0 = FloatVector.fromArray(S, src, sOff + m, mask);
                FloatVector s1 = FloatVector.fromArray(S, src, sOff + M + m, mask);
                FloatVector a00 = FloatVector.fromArray(S, J, jOff + m, mask);
                FloatVector a01 = FloatVector.fromArray(S, J, jOff + e01 * M + m, mask);
                FloatVector a10 = FloatVector.fromArray(S, J, jOff + e10 * M + m, mask);
                FloatVector a11 = FloatVector.fromArray(S, J, jOff + 3 * M + m, mask);
                FloatVector o0 = a00.mul(s0).add(a01.mul(s1)).add(FloatVector.fromArray(S, r, rOff + m, mask));
                FloatVector o1 = a10.mul(s0).add(a11.mul(s1)).add(FloatVector.fromArray(S, r, rOff + M + m, mask));
                o0.intoArray(dst, dOff + m, mask);
                o1.intoArray(dst, dOff + M + m, mask);
            }
        } else {
            FloatVector[] s = new FloatVector[k], o = new FloatVector[k];
            for (int m = m0; m < m1; m += L) {
                VectorMask<Float> mask = S.indexInRange(m, m1);
                for (int j = 0; j < k; j++) s[j] = FloatVector.fromArray(S, src, sOff + j * M + m, mask);
                for (int i = 0; i < k; i++) {
                    FloatVector acc = entry(J, jOff, k, M, m, i, 0, transpose, mask).mul(s[0]);
                    for (int j = 1; j < k; j++) acc = acc.add(entry(J, jOff, k, M, m, i, j, transpose, mask).mul(s[j]));
                    o[i] = acc.add(FloatVector.fromArray(S, r, rOff + i * M + m, mask));
                }
                for (int i = 0; i < k; i++) o[i].intoArray(dst, dOff + i * M + m, mask);
            }
        }
    }

    @Override
    public void compose(int k, int M, int m0, int m1, float[] J, int jOff, boolean transpose, float[] P, int pOff) {
        int L = S.length();
        if (k == 1) {
            for (int m = m0; m < m1; m += L) {
                VectorMask<Float> mask = S.indexInRange(m, m1);
                FloatVector.fromArray(S, J, jOff + m, mask).mul(FloatVector.fromArray(S, P, pOff + m, mask)).intoArray(P, pOff + m, mask);
            }
            return;
        }
        FloatVector[] p = new FloatVector[k * k];
        for (int m = m0; m < m1; m += L) {
            VectorMask<Float> mask = S.indexInRange(m, m1);
            for (int e = 0; e < k * k; e++) p[e] = FloatVector.fromArray(S, P, pOff + e * M + m, mask);
            for (int i = 0; i < k; i++) {
                for (int c = 0; c < k; c++) {
                    FloatVector acc = entry(J, jOff, k, M, m, i, 0, transpose, mask).mul(p[c]);
                    for (int j = 1; j < k; j++) acc = acc.add(entry(J, jOff, k, M, m, i, j, transpose, mask).mul(p[j * k + c]));
                    acc.intoArray(P, pOff + (i * k + c) * M + m, mask);
                }
            }
        }
    }

    private static FloatVector entry(float[] J, int jOff, int k, int M, int m, int i, int j, boolean transpose, VectorMask<Float> mask) {
        int e = transpose ? j * k + i : i * k + j;
        return FloatVector.fromArray(S, J, jOff + e * M + m, mask);
    }
}
