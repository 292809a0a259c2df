package dev.recur.kernel;

/**
 * Row-wise normalisations over {@code rows} contiguous rows of {@code cols} floats, with the
 * per-row statistics saved for the backward pass. {@code gamma}/{@code beta} may be null (no affine);
 * in the forward kernels y may alias x. Backward kernels accumulate (+=) into non-null outputs.
 */
public interface Norms {
    /** y = (x - mean) * rstd * gamma + beta; saves mean[r] and rstd[r]. */
    void layerNorm(float[] x, int xOff, float[] gamma, float[] beta, float[] y, int yOff,
                   float[] mean, float[] rstd, int rows, int cols, float eps);

    /** Accumulates dx (+=), dgamma (+=) and dbeta (+=) from dy, given x and the saved statistics. */
    void layerNormBackward(float[] x, int xOff, float[] gamma, float[] dy, int dyOff,
                           float[] mean, float[] rstd, float[] dx, int dxOff,
                           float[] dgamma, float[] dbeta, int rows, int cols);

    /** y = x * rstd * gamma with rstd = 1 / sqrt(mean(x^2) + eps); saves rstd[r]. */
    void rmsNorm(float[] x, int xOff, float[] gamma, float[] y, int yOff, float[] rstd, int rows, int cols, float eps);

    /** Accumulates dx (+=) and dgamma (+=) from dy. */
    void rmsNormBackward(float[] x, int xOff, float[] gamma, float[] dy, int dyOff, float[] rstd,
                         float[] dx, int dxOff, float[] dgamma, int rows, int cols);
}
