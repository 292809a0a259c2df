package dev.recur.kernel;

/**
 * BLAS-1 style vector operations and row-wise reductions over contiguous floats.
 *
 * <p>Accumulation: the scalar backend sums in double (error below 0.5 ulp of the result plus
 * n * 2^-53 * sum|x_i|). The vector backend sums in float lanes within blocks of 1024 elements
 * and adds the block partials in double; docs/DESIGN.md ("Kernel accuracy") states the bound.
 */
public interface Reductions {
    float sum(float[] x, int off, int n);

    /** The largest element; NaN if any element is NaN; -Inf when n == 0; +0 is above -0. */
    float max(float[] x, int off, int n);

    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** y[i] += alpha * x[i]. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** y[i] = alpha * x[i]; y may alias x. */
    void scale(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** y[i] = a[i] * b[i]; y may alias a or b. */
    void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);

    /** y[i] += a[i] * b[i] (the backward of an elementwise product). */
    void mulAdd(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);

    /**
     * y[i] = softmax(x row)[i] for each of {@code rows} rows of {@code cols}; y may alias x. The row
     * maximum is subtracted first, exactly (the difference is carried to more than float precision).
     */
    void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /** y[i] = log softmax(x row)[i] = (x[i] - max) - log(sum exp(x - max)) for each row; y may alias x. */
    void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /** dx += y * (dy - sum(dy * y)) per row, from the softmax output y. */
    void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols);

    /** dx += dy - exp(y) * sum(dy) per row, from the log-softmax output y. */
    void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols);
}
