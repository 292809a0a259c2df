package dev.recur.linear;

/**
 * Chunk products with a triangular factor or a triangular result, in row blocks of {@link #BLOCK}
 * rows that each skip the part the triangle makes zero (or the part nobody reads). The chunkwise
 * delta rule multiplies by the UT transform T (lower), its transpose (upper), the causal query
 * scores (lower) and forms K Kᵀ, Q Kᵀ and dA of which only the lower triangle is used; as full
 * GEMMs these were about half of its multiply-adds. In blocks of 16 a 64-row triangle costs
 * 10/16 of the full product. Skipped terms are exact zeros, so a product over the shortened range
 * gives the same sums in the same order as the full one would up to those zero terms; the blocks
 * depend on the shapes only, so the results repeat on any thread count.
 *
 * <p>The triangles are "stepped": row i of a lower one reaches column {@code (i + 1) · step − 1},
 * which covers DeltaProduct's query scores (row r of the nq × L scores reads positions up to
 * {@code r · nh + nh − 1}); step 1 is an ordinary lower triangle with its diagonal.
 */
final class TriGemm {
    /** Rows per block: a multiple of SmallGemm's 4-row, 2-vector register block. */
    static final int BLOCK = 16;

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[4096]);

    private TriGemm() {}

    /**
     * {@code C = alpha op(A) op(B) + beta C} where row i of op(A) (m × k) is zero from column
     * {@code (i + 1) · step} on.
     */
    static void lowerA(boolean transA, boolean transB, int m, int n, int k, int step, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        for (int i0 = 0; i0 < m; i0 += BLOCK) {
            int rows = Math.min(BLOCK, m - i0), kk = (int) Math.min(k, (long) (i0 + rows) * step);
            int ao = transA ? aOff + i0 : aOff + i0 * lda;
            Blas.gemm(transA, transB, rows, n, kk, alpha, a, ao, lda, b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
        }
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C} where row i of op(A) (m × k) is zero before column
     * {@code i / step} (the transpose of a stepped lower triangle).
     */
    static void upperA(boolean transA, boolean transB, int m, int n, int k, int step, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        for (int i0 = 0; i0 < m; i0 += BLOCK) {
            int rows = Math.min(BLOCK, m - i0), p0 = Math.min(k, i0 / step);
            int ao = transA ? aOff + p0 * lda + i0 : aOff + i0 * lda + p0;
            int bo = transB ? bOff + p0 : bOff + p0 * ldb;
            Blas.gemm(transA, transB, rows, n, k - p0, alpha, a, ao, lda, b, bo, ldb, beta, c, cOff + i0 * ldc, ldc);
        }
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C} on the stepped lower triangle of C (m × n) only: row i
     * is computed up to column {@code (i + 1) · step − 1} rounded up to its block's end; the rest
     * of C is left as it was. A transposed B is transposed once here (SmallGemm would copy it
     * again for every block: 10/4 of a full copy at 64 rows; JFR had those copies at 11 % of the
     * chunkwise delta rule).
     */
    static void lowerC(boolean transA, boolean transB, int m, int n, int k, int step, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        if (transB && m > BLOCK) {
            float[] t = SCRATCH.get();
            if (t.length < k * n) {
                t = new float[k * n];
                SCRATCH.set(t);
            }
            SmallGemm.transpose(b, bOff, ldb, n, k, t);
            b = t;
            bOff = 0;
            ldb = n;
            transB = false;
        }
        for (int i0 = 0; i0 < m; i0 += BLOCK) {
            int rows = Math.min(BLOCK, m - i0), cols = (int) Math.min(n, (long) (i0 + rows) * step);
            int ao = transA ? aOff + i0 : aOff + i0 * lda;
            Blas.gemm(transA, transB, rows, cols, k, alpha, a, ao, lda, b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
        }
    }
}
