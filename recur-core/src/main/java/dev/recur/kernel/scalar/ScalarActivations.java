package dev.recur.kernel.scalar;

import dev.recur.kernel.Activations;

/** Activations computed in double and rounded once: within 0.5 ulp of float32, the accuracy reference. */
public final class ScalarActivations implements Activations {
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) Math.exp(x[xOff + i]);
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) ScalarMath.sigmoid(x[xOff + i]);
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) Math.tanh(x[xOff + i]);
    }

    @Override
    public void softplus(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) ScalarMath.softplus(x[xOff + i]);
    }

    @Override
    public void silu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            y[yOff + i] = (float) (v * ScalarMath.sigmoid(v));
        }
    }

    @Override
    public void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            y[yOff + i] = (float) (v * ScalarMath.normalCdf(v));
        }
    }

    @Override
    public void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i], s = ScalarMath.sigmoid(v);
            dx[dxOff + i] += (float) (dy[dyOff + i] * s * (1 + v * (1 - s)));
        }
    }

    @Override
    public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double d = ScalarMath.normalCdf(v) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
            dx[dxOff + i] += (float) (dy[dyOff + i] * d);
        }
    }
}
