package dev.recur.kernel.vector;

import dev.recur.kernel.Norms;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * LayerNorm and RMSNorm on the Vector API. Row statistics are blocked sums ({@link VectorSums})
 * finished in double: the mean as the row's first element plus the mean deviation from it, then
 * the variance as the two-pass sum of squared deviations from the mean (free of the cancellation
 * of E[x^2] - E[x]^2), so a mean far above the spread costs no accuracy. The saved mean/rstd are rounded to float and the
 * normalisation uses exactly those, so that forward and backward agree. Row loops run under a mask
 * (all lanes but in the tail).
 */
public final class VectorNorms implements Norms {
    private static final VectorSpecies<Float> S = VectorMath.SPECIES;
    private static final int L = S.length();
    private static final VectorReductions BLAS1 = new VectorReductions();

    @Override
    public void layerNorm(float[] x, int xOff, float[] gamma, float[] beta, float[] y, int yOff,
                          float[] mean, float[] rstd, int rows, int cols, float eps) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float shift = cols > 0 ? x[xi] : 0f;
            double mu = shift + VectorSums.sumDeviations(x, xi, cols, shift) / cols;
            float muHi = (float) mu, muLo = (float) (mu - muHi);
            // sum (x - muHi)^2 = sum (x - mu)^2 + n (mu - muHi)^2: remove the shift's share.
            double var = VectorSums.sumSquaredDeviations(x, xi, cols, muHi) / cols - (mu - muHi) * (mu - muHi);
            float rs = (float) (1 / Math.sqrt(Math.max(var, 0) + eps));
            mean[r] = muHi;
            rstd[r] = rs;
            normalizeRow(x, xi, muHi, muLo, rs, gamma, beta, y, yi, cols);
        }
    }

    @Override
    public void layerNormBackward(float[] x, int xOff, float[] gamma, float[] dy, int dyOff,
                                  float[] mean, float[] rstd, float[] dx, int dxOff,
                                  float[] dgamma, float[] dbeta, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, di = dyOff + r * cols, oi = dxOff + r * cols;
            float mu = mean[r], rs = rstd[r];
            if (dgamma != null) {
                accumulateScaled(x, xi, mu, rs, dy, di, dgamma, cols);
            }
            if (dbeta != null) BLAS1.axpy(1f, dy, di, dbeta, 0, cols);
            if (dx == null) continue;
            // With g = dy gamma and h = (x - mu) rs: dx += rs (g - sum(g)/n - h sum(g h)/n)
            //   = g rs - (a + (x - mu) c), a = rs sum(g)/n, c = rs^3 sum(g (x - mu))/n.
            double sumG = gamma != null ? VectorSums.dot(dy, di, gamma, 0, cols) : VectorSums.sum(dy, di, cols);
            double sumGD = VectorSums.dotCentered(dy, di, gamma, 0, x, xi, mu, cols);
            float a = (float) (rs * sumG / cols), c = (float) ((double) rs * rs * rs * sumGD / cols);
            gradInputRow(x, xi, mu, gamma, dy, di, dx, oi, rs, a, c, cols);
        }
    }

    @Override
    public void rmsNorm(float[] x, int xOff, float[] gamma, float[] y, int yOff, float[] rstd, int rows, int cols, float eps) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float rs = (float) (1 / Math.sqrt(VectorSums.dot(x, xi, x, xi, cols) / cols + eps));
            rstd[r] = rs;
            normalizeRow(x, xi, 0f, 0f, rs, gamma, null, y, yi, cols);
        }
    }

    @Override
    public void rmsNormBackward(float[] x, int xOff, float[] gamma, float[] dy, int dyOff, float[] rstd,
                                float[] dx, int dxOff, float[] dgamma, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, di = dyOff + r * cols, oi = dxOff + r * cols;
            float rs = rstd[r];
            if (dgamma != null) {
                accumulateScaled(x, xi, 0f, rs, dy, di, dgamma, cols);
            }
            if (dx == null) continue;
            // With g = dy gamma: dx += rs g - x rs^3 sum(g x)/n, the layer-norm form with mu = 0, a = 0.
            double dot = VectorSums.dotCentered(dy, di, gamma, 0, x, xi, 0f, cols);
            float c = (float) ((double) rs * rs * rs * dot / cols);
            gradInputRow(x, xi, 0f, gamma, dy, di, dx, oi, rs, 0f, c, cols);
        }
    }

    /**
     * y = (x - mu) rs gamma + beta over one row, gamma and beta nullable, with the mean carried as
     * muHi + muLo: x - muHi is exact for x near the mean (Sterbenz), so a large mean over a small
     * spread loses nothing to the mean's rounding.
     */
    private static void normalizeRow(float[] x, int xi, float muHi, float muLo, float rs, float[] gamma, float[] beta,
                                     float[] y, int yi, int cols) {
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> m = S.indexInRange(j, cols);
            FloatVector h = FloatVector.fromArray(S, x, xi + j, m).sub(muHi).sub(muLo).mul(rs);
            if (gamma != null) {
                FloatVector g = FloatVector.fromArray(S, gamma, j, m);
                h = beta != null ? h.fma(g, FloatVector.fromArray(S, beta, j, m)) : h.mul(g);
            } else if (beta != null) {
                h = h.add(FloatVector.fromArray(S, beta, j, m));
            }
            h.intoArray(y, yi + j, m);
        }
    }

    /** dx += g rs - (a + (x - mu) c) over one row, with g = dy gamma (dy when gamma is null). */
    private static void gradInputRow(float[] x, int xi, float mu, float[] gamma, float[] dy, int di, float[] dx, int oi,
                                     float rs, float a, float c, int cols) {
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> m = S.indexInRange(j, cols);
            FloatVector g = FloatVector.fromArray(S, dy, di + j, m);
            if (gamma != null) g = g.mul(FloatVector.fromArray(S, gamma, j, m));
            FloatVector t = g.fma(g.broadcast(rs), FloatVector.fromArray(S, x, xi + j, m).sub(mu).fma(c, a).neg());
            FloatVector.fromArray(S, dx, oi + j, m).add(t).intoArray(dx, oi + j, m);
        }
    }

    /** dgamma[j] += dy[j] (x[j] - mu) rs, the parameter gradient of both norms. */
    private static void accumulateScaled(float[] x, int xi, float mu, float rs, float[] dy, int di, float[] dgamma, int cols) {
        int i = 0;
        for (; i <= cols - L; i += L) {
            FloatVector h = FloatVector.fromArray(S, x, xi + i).sub(mu).mul(rs);
            FloatVector.fromArray(S, dy, di + i).fma(h, FloatVector.fromArray(S, dgamma, i)).intoArray(dgamma, i);
        }
        if (i < cols) {
            VectorMask<Float> m = S.indexInRange(i, cols);
            FloatVector h = FloatVector.fromArray(S, x, xi + i, m).sub(mu).mul(rs);
            FloatVector.fromArray(S, dy, di + i, m).fma(h, FloatVector.fromArray(S, dgamma, i, m)).intoArray(dgamma, i, m);
        }
    }
}
