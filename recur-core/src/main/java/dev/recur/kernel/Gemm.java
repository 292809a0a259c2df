package dev.recur.kernel;

/**
 * Single-precision general matrix multiply on row-major storage:
 * {@code C = alpha * op(A) * op(B) + beta * C}, where op(A) is m×k and op(B) is k×n.
 *
 * <p>Without transposition A is stored m×k with row stride {@code lda} (≥ k); with {@code transA}
 * it is stored k×m with row stride {@code lda} (≥ m). Likewise B (k×n, or n×k when transposed).
 * When {@code beta == 0} C is written without being read, so NaN or garbage in C does not leak.
 * Results do not depend on the thread count: work is split over C's rows and columns, never over k.
 *
 * <p>Every element of C is computed in one fixed order: {@code c = beta * c} ({@code 0} when
 * {@code beta == 0}), then for {@code p = 0 .. k-1}: {@code c = fma(alpha * a[i][p], b[p][j], c)}.
 * Blocking, tiling, packing and threads change only where the partial sums live, never this order,
 * so every backend, path and thread count gives the same bits. When {@code k == 0} or
 * {@code alpha == 0}, A and B are not read and C becomes {@code beta * C}.
 */
public interface Gemm {
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * Packs op(B) (k×n) once, for many products with different A: a recurrent weight that is
     * multiplied at every time step. The packed copy does not see later changes to {@code b}.
     */
    PackedMatrix packB(boolean transB, int k, int n, float[] b, int bOff, int ldb);

    /** {@code C = alpha * op(A) * B + beta * C} with a B packed by {@link #packB} of this backend. */
    void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
               PackedMatrix b, float beta, float[] c, int cOff, int ldc);

    /**
     * Checks the arguments of {@link #sgemm(boolean, boolean, int, int, int, float, float[], int, int,
     * float[], int, int, float, float[], int, int)} against BLAS rules (leading dimensions at least
     * the stored row length) and the arrays' lengths, so that a bad call fails with one line instead
     * of reading a neighbour's data.
     */
    static void checkArgs(boolean transA, boolean transB, int m, int n, int k,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: dimensions must be >= 0, found m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOff, ldc, m, n);
    }

    /** Checks one row-major operand of {@code rows × cols} stored with row stride {@code ld}. */
    static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: ld" + name.toLowerCase(java.util.Locale.ROOT)
                    + " must be >= max(1, " + cols + "), found " + ld);
        }
        if (rows == 0 || cols == 0) return;
        long last = (long) off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= x.length) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + "x" + cols + ", offset " + off
                    + ", ld " + ld + ") needs elements up to index " + last + ", array length is " + x.length);
        }
    }

    /**
     * The start of every element's accumulation: {@code c[from .. from+n) = beta * c}, writing zeros
     * without reading when {@code beta == 0} (so NaN or garbage in C does not leak).
     */
    static void scaleRow(float[] c, int from, int n, float beta) {
        if (beta == 0f) {
            java.util.Arrays.fill(c, from, from + n, 0f);
        } else if (beta != 1f) {
            for (int j = from; j < from + n; j++) c[j] *= beta;
        }
    }

    /** A right-hand operand in a backend's private layout. */
    interface PackedMatrix {
        int rows();

        int cols();
    }
}
