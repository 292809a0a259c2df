package dev.recur.kernel.scalar;

import dev.recur.kernel.Gemm;

/**
 * Straightforward loops in i-p-j order (row of C, then k, then a row of B), accumulating in the
 * order that {@link Gemm} fixes: the vector backend's blocked kernels must give these same bits.
 */
public final class ScalarGemm implements Gemm {

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            Gemm.scaleRow(c, ci, n, beta);
            if (alpha == 0f) continue;
            for (int p = 0; p < k; p++) {
                float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                if (transB) {
                    for (int j = 0; j < n; j++) c[ci + j] = Math.fma(av, b[bOff + j * ldb + p], c[ci + j]);
                } else {
                    int row = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] = Math.fma(av, b[row + j], c[ci + j]);
                }
            }
        }
    }

    @Override
    public PackedMatrix packB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        Gemm.checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        if (k < 0 || n < 0 || (long) k * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("packB: cannot pack a " + k + "x" + n + " matrix into one array");
        }
        float[] packed = new float[k * n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) packed[p * n + j] = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }
        return new RowMajor(k, n, packed);
    }

    @Override
    public void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                      PackedMatrix b, float beta, float[] c, int cOff, int ldc) {
        if (!(b instanceof RowMajor rm)) throw new IllegalArgumentException("sgemm: B was packed by another backend");
        sgemm(transA, false, m, rm.cols, rm.rows, alpha, a, aOff, lda, rm.data, 0, Math.max(1, rm.cols),
                beta, c, cOff, ldc);
    }

    private record RowMajor(int rows, int cols, float[] data) implements PackedMatrix {}
}
