package dev.recur.kernel.scalar;

import dev.recur.kernel.Activations;

/**
 * Activations computed in double and rounded once: within 0.5 ulp of float32 plus the double
 * functions' own error (~1e-16 relative; ~1e-12 for the normal CDF of GELU), the accuracy reference
 * for the vector twins. At ±Inf the results are the mathematical limits (PyTorch gives NaN for
 * silu(-Inf) and gelu(-Inf), from -Inf * 0).
 */
public final class ScalarActivations implements Activations {
    private static final double INV_SQRT_2PI = 0.3989422804014327;
    /** Beyond this magnitude SiLU's and GELU's exponential factors are below double's range: the limits apply. */
    private static final double TAIL = 200;

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
    public void logSigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) -ScalarMath.softplus(-x[xOff + i]);
    }

    @Override
    public void silu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) silu(x[xOff + i]);
    }

    /** x sigmoid(x); -0 below -TAIL, where it underflows (and where -Inf * 0 would give NaN). */
    public static double silu(double x) {
        return x < -TAIL ? -0.0 : x * ScalarMath.sigmoid(x);
    }

    @Override
    public void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = (float) gelu(x[xOff + i]);
    }

    /** x Phi(x); -0 below -TAIL (see {@link #silu(double)}). */
    public static double gelu(double x) {
        return x < -TAIL ? -0.0 : x * ScalarMath.normalCdf(x);
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v < 0 ? 0f : v;
        }
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            double s = y[yOff + i];
            dx[dxOff + i] += (float) (dy[dyOff + i] * s * (1 - s));
        }
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            double t = y[yOff + i];
            dx[dxOff + i] += (float) (dy[dyOff + i] * (1 - t * t));
        }
    }

    @Override
    public void softplusBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) dx[dxOff + i] += (float) (dy[dyOff + i] * ScalarMath.sigmoid(x[xOff + i]));
    }

    @Override
    public void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) dx[dxOff + i] += (float) (dy[dyOff + i] * siluDerivative(x[xOff + i]));
    }

    /** s (1 + x (1 - s)) with 1 - s = sigmoid(-x); x is clamped to ±TAIL so that the limits 0 and 1 hold at ±Inf. */
    public static double siluDerivative(double x) {
        double v = Math.max(-TAIL, Math.min(TAIL, x));
        return ScalarMath.sigmoid(v) * (1 + v * ScalarMath.sigmoid(-v));
    }

    @Override
    public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) dx[dxOff + i] += (float) (dy[dyOff + i] * geluDerivative(x[xOff + i]));
    }

    /** Phi(x) + x phi(x), with x clamped as in {@link #siluDerivative(double)}. */
    public static double geluDerivative(double x) {
        double v = Math.max(-TAIL, Math.min(TAIL, x));
        return ScalarMath.normalCdf(v) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) if (x[xOff + i] > 0) dx[dxOff + i] += dy[dyOff + i];
    }
}
