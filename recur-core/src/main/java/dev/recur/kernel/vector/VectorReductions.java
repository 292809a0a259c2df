package dev.recur.kernel.vector;

import dev.recur.kernel.Reductions;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Reductions and row-wise softmax on the Vector API; sums are blocked as {@link VectorSums} states. */
public final class VectorReductions implements Reductions {
    private static final VectorSpecies<Float> S = VectorMath.SPECIES;
    private static final int L = S.length();
    private static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, S.vectorShape());

    @Override
    public float sum(float[] x, int off, int n) {
        return (float) VectorSums.sum(x, off, n);
    }

    @Override
    public float max(float[] x, int off, int n) {
        // Lanewise MAX has Math.max semantics: NaN wins, +0 is above -0.
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            m0 = m0.max(FloatVector.fromArray(S, x, off + i));
            m1 = m1.max(FloatVector.fromArray(S, x, off + i + L));
        }
        for (; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            m0 = m0.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, off + i, m), m);
        }
        return m0.max(m1).reduceLanes(VectorOperators.MAX);
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return (float) VectorSums.dot(a, aOff, b, bOff, n);
    }

    // axpy, scale, mul and mulAdd spell out their loops (see VectorActivations for why not a shared loop with a lambda)
    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i <= n - L; i += L)
            FloatVector.fromArray(S, x, xOff + i).fma(a, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, xOff + i, m).fma(a, FloatVector.fromArray(S, y, yOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void scale(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xOff + i).mul(alpha).intoArray(y, yOff + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, xOff + i, m).mul(alpha).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L)
            FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(y, yOff + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, aOff + i, m).mul(FloatVector.fromArray(S, b, bOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void mulAdd(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - L; i += L)
            FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), FloatVector.fromArray(S, y, yOff + i))
                    .intoArray(y, yOff + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, aOff + i, m).fma(FloatVector.fromArray(S, b, bOff + i, m), FloatVector.fromArray(S, y, yOff + i, m))
                    .intoArray(y, yOff + i, m);
        }
    }

    @Override
    public void softmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float m = max(x, xi, cols);
            double s = expSum(x, xi, m, y, yi, cols);
            scale((float) (1 / s), y, yi, y, yi, cols);
        }
    }

    @Override
    public void logSoftmaxRows(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * cols, yi = yOff + r * cols;
            float m = max(x, xi, cols);
            float logS = (float) Math.log(expSum(x, xi, m, null, 0, cols));
            // (x - m) - log s: both terms <= 0, so no cancellation; the 2Sum residual is added back.
            for (int i = 0; i < cols; i += L) {
                VectorMask<Float> mask = S.indexInRange(i, cols);
                FloatVector v = FloatVector.fromArray(S, x, xi + i, mask);
                FloatVector d = v.sub(m);
                d.sub(logS).add(finite(twoSumResidual(v, m, d))).intoArray(y, yi + i, mask);
            }
        }
    }

    /**
     * sum of e^(x[j] - m) over a row, with x[j] - m carried exactly (2Sum) into the exponential,
     * accumulated in double lanes (the row sum sets every output's scale, so it gets the most
     * precision); stores each e^(x[j] - m) into out when out is non-null.
     */
    private static double expSum(float[] x, int off, float m, float[] out, int outOff, int n) {
        DoubleVector acc0 = DoubleVector.zero(DOUBLES), acc1 = acc0;
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> mask = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, off + i, mask);
            FloatVector d = v.sub(m);
            FloatVector lo = twoSumResidual(v, m, d);
            FloatVector e = VectorMath.exp(d, finite(lo)).blend(0f, mask.not());
            if (out != null) e.intoArray(out, outOff + i, mask);
            acc0 = acc0.add((DoubleVector) e.convertShape(VectorOperators.F2D, DOUBLES, 0));
            acc1 = acc1.add((DoubleVector) e.convertShape(VectorOperators.F2D, DOUBLES, 1));
        }
        return LaneSums.sum(acc0.add(acc1));
    }

    /** The residual is NaN only where v or m is infinite, and then it does not matter: 0 instead. */
    private static FloatVector finite(FloatVector residual) {
        return residual.blend(0f, residual.test(VectorOperators.IS_NAN));
    }

    /** The rounding error of d = v - m, so that v - m = d + residual exactly (Knuth's 2Sum). */
    private static FloatVector twoSumResidual(FloatVector v, float m, FloatVector d) {
        FloatVector vPart = d.add(m);         // the part of d that came from v
        FloatVector mPart = d.sub(vPart);     // the part of d that came from -m
        return v.sub(vPart).add(mPart.neg().sub(m));
    }

    @Override
    public void softmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int yi = yOff + r * cols, di = dyOff + r * cols, oi = dxOff + r * cols;
            float dot = (float) VectorSums.dot(dy, di, y, yi, cols);
            for (int i = 0; i < cols; i += L) {
                VectorMask<Float> m = S.indexInRange(i, cols);
                FloatVector g = FloatVector.fromArray(S, dy, di + i, m);
                FloatVector.fromArray(S, y, yi + i, m).fma(g.sub(dot), FloatVector.fromArray(S, dx, oi + i, m)).intoArray(dx, oi + i, m);
            }
        }
    }

    @Override
    public void logSoftmaxRowsBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int yi = yOff + r * cols, di = dyOff + r * cols, oi = dxOff + r * cols;
            float sum = (float) VectorSums.sum(dy, di, cols);
            for (int i = 0; i < cols; i += L) {
                VectorMask<Float> m = S.indexInRange(i, cols);
                FloatVector g = FloatVector.fromArray(S, dy, di + i, m);
                VectorMath.exp(FloatVector.fromArray(S, y, yi + i, m)).fma(g.broadcast(-sum), g)
                        .add(FloatVector.fromArray(S, dx, oi + i, m)).intoArray(dx, oi + i, m);
            }
        }
    }
}
