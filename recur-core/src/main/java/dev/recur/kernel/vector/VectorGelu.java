package dev.recur.kernel.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exact GELU x Phi(x) and its derivative, evaluated in double lanes and rounded once to float.
 *
 * <p>Why double: Phi(-u) = e^(-u^2/2) G(u) needs G to relative accuracy over [0, 14] (the negative
 * tail of GELU is x Phi(x), a tiny number whose relative error is what matters). In float the
 * rounding of G's polynomial and of u^2/2 alone costs several ulp; in double they vanish, and the
 * result is within ~0.5 ulp (the fit's own error is 4e-10 relative). The price is about twice the
 * work of a float kernel, acceptable for GELU, which sits in feed-forward blocks, not recurrences.
 * Floats are loaded at half the preferred width so that they widen to one full double vector.
 *
 * <p>G(u) = Phi(-u) e^(u^2/2) is smooth and decays like 1/u; in t = 1/(1 + u/4), which maps
 * [0, inf) onto (0, 1], it is a polynomial to 4.2e-10 relative on u in [0, 16] (degree 11, fit by
 * {@code scripts/fit_kernel_polynomials.py}). The double exponential uses the float kernel's
 * reduction with a degree-7 polynomial (fit relative error 5.2e-11).
 */
public final class VectorGelu {
    /** Double lanes at the preferred width. */
    public static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, VectorMath.SPECIES.vectorShape());
    /** Floats at half that width: as many lanes as {@link #DOUBLES}. */
    public static final VectorSpecies<Float> HALF_FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(VectorMath.SPECIES.vectorBitSize() / 2));

    /**
     * Inputs are clamped to [-20, 20]: below, GELU and its derivative underflow to 0 in float; above,
     * GELU is x and its derivative 1 to within float rounding. This keeps e^(-u^2/2) normal in double.
     */
    private static final double CLAMP = 20;
    private static final double INV_SQRT_2PI = 0x1.9884533d43651p-2;
    private static final double G_SCALE = 0.25;
    private static final double G0 = 0x1.1e2e25ddb9fa1p-19, G1 = 0x1.984406301a769p-4, G2 = 0x1.9bbb253679019p-4;
    private static final double G3 = 0x1.66d056f30f87ep-4, G4 = 0x1.c2b36447df1a3p-4, G5 = -0x1.195e73576f12fp-5;
    private static final double G6 = 0x1.192e24cbd7523p-2, G7 = -0x1.6fc40ac158485p-2, G8 = 0x1.c035f78504438p-2;
    private static final double G9 = -0x1.3d945d279132ap-2, G10 = 0x1.bcd799bcb9d97p-4, G11 = -0x1.eee2a500b88a6p-7;

    private static final double LOG2E = 0x1.71547652b82fep0;
    private static final double LN2 = 0x1.62e42fefa39efp-1;
    private static final double SHIFTER = 0x1.8p52;
    /** Subtracting the shifter's bits leaves k; adding 1023 makes it a biased exponent. */
    private static final long EXPONENT_BIAS = 1023L - Double.doubleToRawLongBits(SHIFTER);
    private static final double X2 = 0x1.0000003a4615dp-1, X3 = 0x1.55555442928e8p-3, X4 = 0x1.55548d748ce25p-5;
    private static final double X5 = 0x1.1112714548db0p-7, X6 = 0x1.6d8d524de672dp-10, X7 = 0x1.9f085a81291bdp-13;

    private VectorGelu() {}

    /** y[i] = gelu(x[i]); y may alias x. */
    static void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i += HALF_FLOATS.length()) {
            VectorMask<Float> m = HALF_FLOATS.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(HALF_FLOATS, x, xOff + i, m);
            DoubleVector g = gelu((DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 0));
            FloatVector r = (FloatVector) g.convertShape(VectorOperators.D2F, HALF_FLOATS, 0);
            r.blend(v, v.compare(VectorOperators.GT, (float) CLAMP)).intoArray(y, yOff + i, m);
        }
    }

    /** dx[i] += dy[i] * gelu'(x[i]). */
    static void accumulateDerivative(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i += HALF_FLOATS.length()) {
            VectorMask<Float> m = HALF_FLOATS.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(HALF_FLOATS, x, xOff + i, m);
            DoubleVector d = derivative((DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 0));
            FloatVector r = (FloatVector) d.convertShape(VectorOperators.D2F, HALF_FLOATS, 0);
            r.fma(FloatVector.fromArray(HALF_FLOATS, dy, dyOff + i, m), FloatVector.fromArray(HALF_FLOATS, dx, dxOff + i, m))
                    .intoArray(dx, dxOff + i, m);
        }
    }

    /**
     * x Phi(x) for float-valued x: x (1 - Phi(-x)) for x >= 0, x Phi(-|x|) below, each free of
     * cancellation, with Phi(-|x|) = e^(-x^2/2) G(|x|). Above 20 the caller substitutes x itself.
     */
    public static DoubleVector gelu(DoubleVector x) {
        x = x.blend(-CLAMP, x.lt(-CLAMP)).blend(CLAMP, x.compare(VectorOperators.GT, CLAMP)); // NaN stays
        DoubleVector g = g(x.abs());
        DoubleVector lower = expNegHalfSquare(x).mul(g); // Phi(-|x|)
        return x.mul(x.broadcast(1.0).sub(lower).blend(lower, x.lt(0.0))); // keeps the sign of -0
    }

    /** Phi(x) + x phi(x) for float-valued x, with phi(x) = e^(-x^2/2) / sqrt(2 pi). */
    public static DoubleVector derivative(DoubleVector x) {
        x = x.blend(-CLAMP, x.lt(-CLAMP)).blend(CLAMP, x.compare(VectorOperators.GT, CLAMP));
        DoubleVector g = g(x.abs());
        DoubleVector e = expNegHalfSquare(x);
        DoubleVector lower = e.mul(g); // Phi(-|x|)
        DoubleVector cdf = x.broadcast(1.0).sub(lower).blend(lower, x.lt(0.0));
        return x.mul(e).fma(x.broadcast(INV_SQRT_2PI), cdf);
    }

    /** G(u) = Phi(-u) e^(u^2/2) for u >= 0. */
    private static DoubleVector g(DoubleVector u) {
        DoubleVector t = u.broadcast(1.0).div(u.fma(G_SCALE, 1.0));
        DoubleVector g = t.fma(G11, G10);
        g = g.fma(t, t.broadcast(G9));
        g = g.fma(t, t.broadcast(G8));
        g = g.fma(t, t.broadcast(G7));
        g = g.fma(t, t.broadcast(G6));
        g = g.fma(t, t.broadcast(G5));
        g = g.fma(t, t.broadcast(G4));
        g = g.fma(t, t.broadcast(G3));
        g = g.fma(t, t.broadcast(G2));
        g = g.fma(t, t.broadcast(G1));
        return g.fma(t, t.broadcast(G0));
    }

    /** e^(-x^2/2) for |x| <= 20; x^2/2 is exact in double because x holds a float value. */
    private static DoubleVector expNegHalfSquare(DoubleVector x) {
        DoubleVector w = x.mul(x).mul(-0.5);
        DoubleVector s = w.fma(LOG2E, SHIFTER);
        DoubleVector k = s.sub(SHIFTER);
        DoubleVector r = k.fma(w.broadcast(-LN2), w);
        DoubleVector p = r.fma(X7, X6);
        p = p.fma(r, r.broadcast(X5));
        p = p.fma(r, r.broadcast(X4));
        p = p.fma(r, r.broadcast(X3));
        p = p.fma(r, r.broadcast(X2));
        p = p.fma(r, r.broadcast(1.0));
        p = p.fma(r, r.broadcast(1.0));
        return p.mul(s.reinterpretAsLongs().add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
    }
}
