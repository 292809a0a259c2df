package dev.recur.kernel;

/** Reductions and row-wise normalisations over contiguous floats. */
public interface Reductions {
    float sum(float[] x, int off, int n);

    float max(float[] x, int off, int n);

    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** y[i] += alpha * x[i]. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** y[i] = softmax(x row)[i] for each of {@code rows} rows of {@code cols}; y may alias x. */
    void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols);

    /** y[i] = log softmax(x row)[i] for each row; y may alias x. */
    void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols);
}
