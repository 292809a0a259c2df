package dev.recur.kernel.scalar;

import dev.recur.kernel.Gemm;

/** Straightforward loops in i-p-j order (row of C, then k, then a contiguous row of B). */
public final class ScalarGemm implements Gemm {

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        float[] acc = new float[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(acc, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (av == 0f) continue;
                if (transB) {
                    for (int j = 0; j < n; j++) acc[j] += av * b[bOff + j * ldb + p];
                } else {
                    int row = bOff + p * ldb;
                    for (int j = 0; j < n; j++) acc[j] += av * b[row + j];
                }
            }
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                for (int j = 0; j < n; j++) c[ci + j] = alpha * acc[j];
            } else {
                for (int j = 0; j < n; j++) c[ci + j] = alpha * acc[j] + beta * c[ci + j];
            }
        }
    }

    @Override
    public PackedMatrix packB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        float[] packed = new float[k * n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) packed[p * n + j] = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }
        return new RowMajor(k, n, packed);
    }

    @Override
    public void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                      PackedMatrix b, float beta, float[] c, int cOff, int ldc) {
        if (!(b instanceof RowMajor rm)) throw new IllegalArgumentException("matrix was packed by another backend");
        sgemm(transA, false, m, rm.cols, rm.rows, alpha, a, aOff, lda, rm.data, 0, rm.cols, beta, c, cOff, ldc);
    }

    private record RowMajor(int rows, int cols, float[] data) implements PackedMatrix {}
}
