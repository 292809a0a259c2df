package dev.recur.kernel;

/**
 * Single-precision general matrix multiply on row-major storage:
 * {@code C = alpha * op(A) * op(B) + beta * C}, where op(A) is m×k and op(B) is k×n.
 *
 * <p>Without transposition A is stored m×k with row stride {@code lda} (≥ k); with {@code transA}
 * it is stored k×m with row stride {@code lda} (≥ m). Likewise B (k×n, or n×k when transposed).
 * When {@code beta == 0} C is written without being read, so NaN or garbage in C does not leak.
 * Results do not depend on the thread count: work is split over C's rows and columns, never over k.
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

    /** A right-hand operand in a backend's private layout. */
    interface PackedMatrix {
        int rows();

        int cols();
    }
}
