package dev.recur.kernel.scalar;

import dev.recur.kernel.Reductions;

/** Reductions accumulated in double: the accuracy reference for the vector twins. */
public final class ScalarReductions implements Reductions {

    @Override
    public float sum(float[] x, int off, int n) {
        return (float) sumDouble(x, off, n);
    }

    private static double sumDouble(float[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[off + i];
        return s;
    }

    @Override
    public float max(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, x[off + i]);
        return m;
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return (float) dotDouble(a, aOff, b, bOff, n);
    }

    private static double dotDouble(float[] a, int aOff, float[] b, int bOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) (y[yOff + i] + (double) alpha * x[xOff + i]);
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = alpha * x[xOff + i];
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = a[aOff + i] * b[bOff + i];
    }

    @Override
    public void mulAdd(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) (y[yOff + i] + (double) a[aOff + i] * b[bOff + i]);
    }

    @Override
    public void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            double m = max(x, xi, cols), s = 0;
            for (int j = 0; j < cols; j++) s += Math.exp(x[xi + j] - m);
            for (int j = 0; j < cols; j++) y[yi + j] = (float) (Math.exp(x[xi + j] - m) / s);
        }
    }

    @Override
    public void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            double m = max(x, xi, cols), s = 0;
            for (int j = 0; j < cols; j++) s += Math.exp(x[xi + j] - m);
            double logS = Math.log(s);
            for (int j = 0; j < cols; j++) y[yi + j] = (float) ((x[xi + j] - m) - logS);
        }
    }

    @Override
    public void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int yi = yOff + r * cols, di = dyOff + r * cols, oi = dxOff + r * cols;
            double dot = dotDouble(dy, di, y, yi, cols);
            for (int j = 0; j < cols; j++) dx[oi + j] += (float) (y[yi + j] * (dy[di + j] - dot));
        }
    }

    @Override
    public void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int yi = yOff + r * cols, di = dyOff + r * cols, oi = dxOff + r * cols;
            double s = sumDouble(dy, di, cols);
            for (int j = 0; j < cols; j++) dx[oi + j] += (float) (dy[di + j] - Math.exp(y[yi + j]) * s);
        }
    }
}
