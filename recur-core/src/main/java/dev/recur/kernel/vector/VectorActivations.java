package dev.recur.kernel.vector;

import dev.recur.kernel.Activations;
import jdk.incubator.vector.VectorOperators;

/** Activations on the Vector API: each one masked loop over a {@link VectorMath} function ({@link VectorGelu} for GELU). */
public final class VectorActivations implements Activations {

    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorLoops.map(x, xOff, y, yOff, n, VectorMath::exp);
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorLoops.map(x, xOff, y, yOff, n, VectorMath::sigmoid);
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorLoops.map(x, xOff, y, yOff, n, VectorMath::tanh);
    }

    @Override
    public void softplus(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorLoops.map(x, xOff, y, yOff, n, VectorMath::softplus);
    }

    @Override
    public void logSigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorLoops.map(x, xOff, y, yOff, n, VectorMath::logSigmoid);
    }

    @Override
    public void silu(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorLoops.map(x, xOff, y, yOff, n, VectorMath::silu);
    }

    @Override
    public void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorGelu.gelu(x, xOff, y, yOff, n);
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorLoops.map(x, xOff, y, yOff, n, v -> v.blend(0f, v.lt(0f)));
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        VectorLoops.accumulateProduct(y, yOff, dy, dyOff, dx, dxOff, n, s -> s.fma(s.neg(), s)); // s - s^2
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        VectorLoops.accumulateProduct(y, yOff, dy, dyOff, dx, dxOff, n, t -> t.neg().fma(t, t.broadcast(1f)));
    }

    @Override
    public void softplusBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        VectorLoops.accumulateProduct(x, xOff, dy, dyOff, dx, dxOff, n, VectorMath::sigmoid);
    }

    @Override
    public void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        VectorLoops.accumulateProduct(x, xOff, dy, dyOff, dx, dxOff, n, VectorMath::siluDerivative);
    }

    @Override
    public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        VectorGelu.accumulateDerivative(x, xOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        // A masked add, not dy * step(x): Inf or NaN in dy must not leak where x <= 0.
        VectorLoops.update(x, xOff, dy, dyOff, dx, dxOff, n,
                (v, d, acc) -> acc.add(d, v.compare(VectorOperators.GT, 0f)));
    }
}
