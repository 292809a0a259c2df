package dev.recur.kernel.scalar;

import dev.recur.kernel.Reductions;

/** Reductions accumulated in double: the accuracy reference for the vector twins. */
public final class ScalarReductions implements Reductions {

    @Override
    public float sum(float[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[off + i];
        return (float) s;
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x[off + i];
            if (v > m || Float.isNaN(v)) m = v;
            if (Float.isNaN(m)) return m;
        }
        return m;
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) a[aOff + i] * b[bOff + i];
        return (float) s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float m = max(x, xi, cols);
            double s = 0;
            for (int j = 0; j < cols; j++) s += Math.exp(x[xi + j] - m);
            for (int j = 0; j < cols; j++) y[yi + j] = (float) (Math.exp(x[xi + j] - m) / s);
        }
    }

    @Override
    public void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float m = max(x, xi, cols);
            double s = 0;
            for (int j = 0; j < cols; j++) s += Math.exp(x[xi + j] - m);
            double lse = m + Math.log(s);
            for (int j = 0; j < cols; j++) y[yi + j] = (float) (x[xi + j] - lse);
        }
    }
}
