package dev.recur.kernel.vector;

import dev.recur.kernel.Activations;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Activations on the Vector API ({@link VectorMath}; {@link VectorGelu} for GELU): full vectors,
 * then one masked tail.
 *
 * <p>Each activation spells out its own loop instead of passing a lambda to one shared loop: the
 * shared loop is compiled once for all its callers, its call to the lambda becomes megamorphic,
 * C2 stops inlining it and boxes every vector (measured: SiLU 5.1 ns per element that way, against
 * 1.5 with its own loop, on the same loaded machine).
 */
public final class VectorActivations implements Activations {
    private static final VectorSpecies<Float> S = VectorMath.SPECIES;
    private static final int L = S.length();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    @Override
    public void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            VectorMath.exp(v).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            VectorMath.exp(v).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            VectorMath.sigmoid(v).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            VectorMath.sigmoid(v).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            VectorMath.tanh(v).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            VectorMath.tanh(v).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void softplus(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            VectorMath.softplus(v).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            VectorMath.softplus(v).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void logSigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            VectorMath.logSigmoid(v).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            VectorMath.logSigmoid(v).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void silu(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            VectorMath.silu(v).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            VectorMath.silu(v).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        VectorGelu.gelu(x, xOff, y, yOff, n);
    }

    @Override
    public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            v.blend(0f, v.lt(0f)).intoArray(y, yOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            v.blend(0f, v.lt(0f)).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector s = FloatVector.fromArray(S, y, yOff + i);
            FloatVector f = s.fma(s.neg(), s); // s - s^2
            f.fma(FloatVector.fromArray(S, dy, dyOff + i), FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector s = FloatVector.fromArray(S, y, yOff + i, m);
            FloatVector f = s.fma(s.neg(), s);
            f.fma(FloatVector.fromArray(S, dy, dyOff + i, m), FloatVector.fromArray(S, dx, dxOff + i, m)).intoArray(dx, dxOff + i, m);
        }
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector t = FloatVector.fromArray(S, y, yOff + i);
            FloatVector f = t.neg().fma(t, ONE); 
            f.fma(FloatVector.fromArray(S, dy, dyOff + i), FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector t = FloatVector.fromArray(S, y, yOff + i, m);
            FloatVector f = t.neg().fma(t, ONE);
            f.fma(FloatVector.fromArray(S, dy, dyOff + i, m), FloatVector.fromArray(S, dx, dxOff + i, m)).intoArray(dx, dxOff + i, m);
        }
    }

    @Override
    public void softplusBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector f = VectorMath.sigmoid(v); 
            f.fma(FloatVector.fromArray(S, dy, dyOff + i), FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            FloatVector f = VectorMath.sigmoid(v);
            f.fma(FloatVector.fromArray(S, dy, dyOff + i, m), FloatVector.fromArray(S, dx, dxOff + i, m)).intoArray(dx, dxOff + i, m);
        }
    }

    @Override
    public void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector f = VectorMath.siluDerivative(v); 
            f.fma(FloatVector.fromArray(S, dy, dyOff + i), FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            FloatVector f = VectorMath.siluDerivative(v);
            f.fma(FloatVector.fromArray(S, dy, dyOff + i, m), FloatVector.fromArray(S, dx, dxOff + i, m)).intoArray(dx, dxOff + i, m);
        }
    }

    @Override
    public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        VectorGelu.accumulateDerivative(x, xOff, dy, dyOff, dx, dxOff, n);
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        // A masked add, not dy * step(x): Inf or NaN in dy must not leak where x <= 0.
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector acc = FloatVector.fromArray(S, dx, dxOff + i);
            acc.add(FloatVector.fromArray(S, dy, dyOff + i), v.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, xOff + i, m);
            FloatVector acc = FloatVector.fromArray(S, dx, dxOff + i, m);
            acc.add(FloatVector.fromArray(S, dy, dyOff + i, m), v.compare(VectorOperators.GT, 0f).and(m)).intoArray(dx, dxOff + i, m);
        }
    }
}
