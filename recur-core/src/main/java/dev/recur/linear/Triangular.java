package dev.recur.linear;

/** Unit lower-triangular matrices of the delta rule's UT transform. */
final class Triangular {
    /** Blocks up to this size are inverted by forward substitution; larger ones are split in two. */
    static final int LEAF = 16;

    private Triangular() {}

    /**
     * {@code T = (I + A)^{-1}} for a strictly lower-triangular {@code A} (n × n, row stride lda). T
     * (row stride ldt) is unit lower-triangular; its upper part is written as zeros. Blocked: with
     * {@code I + A = [[I + A11, 0], [A21, I + A22]]} the inverse is
     * {@code [[T11, 0], [−T22 A21 T11, T22]]}, so a chunk of 64 becomes four substitutions of 16 and
     * GEMMs, where the substitution's short row updates (a few floats each) cost more per flop.
     */
    static void unitLowerInverse(float[] A, int aOff, int lda, float[] T, int tOff, int ldt, int n) {
        if (n <= LEAF) {
            substitute(A, aOff, lda, T, tOff, ldt, n);
            return;
        }
        int h = n / 2, r = n - h;
        unitLowerInverse(A, aOff, lda, T, tOff, ldt, h);
        unitLowerInverse(A, aOff + h * lda + h, lda, T, tOff + h * ldt + h, ldt, r);
        float[] x = new float[r * h]; // A21 T11
        Blas.gemm(false, false, r, h, h, 1f, A, aOff + h * lda, lda, T, tOff, ldt, 0f, x, 0, h);
        Blas.gemm(false, false, r, h, r, -1f, T, tOff + h * ldt + h, ldt, x, 0, h, 0f, T, tOff + h * ldt, ldt);
        for (int t = 0; t < h; t++) java.util.Arrays.fill(T, tOff + t * ldt + h, tOff + t * ldt + n, 0f);
    }

    /**
     * The inverse by forward substitution row by row: {@code T_t = e_t − Σ_{u<t} A_tu T_u}. Each row
     * is accumulated in a scratch row of its own so that the inner loop reads one array and writes
     * another (C2 vectorises it; a call per (t, u) pair would cost more than the arithmetic).
     */
    static void substitute(float[] A, int aOff, int lda, float[] T, int tOff, int ldt, int n) {
        float[] row = new float[n];
        for (int t = 0; t < n; t++) {
            java.util.Arrays.fill(row, 0f);
            row[t] = 1f;
            for (int u = 0; u < t; u++) {
                float a = A[aOff + t * lda + u];
                if (a == 0f) continue;
                int src = tOff + u * ldt;
                for (int j = 0; j <= u; j++) row[j] -= a * T[src + j];
            }
            System.arraycopy(row, 0, T, tOff + t * ldt, n);
        }
    }
}
