package dev.recur.kernel.scalar;

import dev.recur.kernel.Norms;

/** LayerNorm and RMSNorm with statistics in double. */
public final class ScalarNorms implements Norms {

    @Override
    public void layerNorm(float[] x, int xOff, float[] gamma, float[] beta, float[] y, int yOff,
                          float[] mean, float[] rstd, int rows, int cols, float eps) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            double s = 0;
            for (int j = 0; j < cols; j++) s += x[xi + j];
            double mu = s / cols, v = 0;
            for (int j = 0; j < cols; j++) {
                double d = x[xi + j] - mu;
                v += d * d;
            }
            double rs = 1 / Math.sqrt(v / cols + eps);
            mean[r] = (float) mu;
            rstd[r] = (float) rs;
            for (int j = 0; j < cols; j++) {
                double h = (x[xi + j] - mu) * rs;
                if (gamma != null) h *= gamma[j];
                if (beta != null) h += beta[j];
                y[yi + j] = (float) h;
            }
        }
    }

    @Override
    public void layerNormBackward(float[] x, int xOff, float[] gamma, float[] dy, int dyOff,
                                  float[] mean, float[] rstd, float[] dx, int dxOff,
                                  float[] dgamma, float[] dbeta, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, di = dyOff + r * cols, oi = dxOff + r * cols;
            double mu = mean[r], rs = rstd[r], sumG = 0, sumGH = 0;
            for (int j = 0; j < cols; j++) {
                double h = (x[xi + j] - mu) * rs;
                double g = dy[di + j] * (gamma != null ? gamma[j] : 1);
                sumG += g;
                sumGH += g * h;
                if (dgamma != null) dgamma[j] += (float) (dy[di + j] * h);
                if (dbeta != null) dbeta[j] += dy[di + j];
            }
            if (dx == null) continue;
            for (int j = 0; j < cols; j++) {
                double h = (x[xi + j] - mu) * rs;
                double g = dy[di + j] * (gamma != null ? gamma[j] : 1);
                dx[oi + j] += (float) (rs * (g - sumG / cols - h * sumGH / cols));
            }
        }
    }

    @Override
    public void rmsNorm(float[] x, int xOff, float[] gamma, float[] y, int yOff, float[] rstd, int rows, int cols, float eps) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            double ss = 0;
            for (int j = 0; j < cols; j++) ss += (double) x[xi + j] * x[xi + j];
            double rs = 1 / Math.sqrt(ss / cols + eps);
            rstd[r] = (float) rs;
            for (int j = 0; j < cols; j++) y[yi + j] = (float) (x[xi + j] * rs * (gamma != null ? gamma[j] : 1));
        }
    }

    @Override
    public void rmsNormBackward(float[] x, int xOff, float[] gamma, float[] dy, int dyOff, float[] rstd,
                                float[] dx, int dxOff, float[] dgamma, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, di = dyOff + r * cols, oi = dxOff + r * cols;
            double rs = rstd[r], dot = 0;
            for (int j = 0; j < cols; j++) {
                double g = dy[di + j] * (gamma != null ? gamma[j] : 1);
                dot += g * x[xi + j];
                if (dgamma != null) dgamma[j] += (float) (dy[di + j] * x[xi + j] * rs);
            }
            if (dx == null) continue;
            for (int j = 0; j < cols; j++) {
                double g = dy[di + j] * (gamma != null ? gamma[j] : 1);
                dx[oi + j] += (float) (rs * g - x[xi + j] * rs * rs * rs * dot / cols);
            }
        }
    }
}
