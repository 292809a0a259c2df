package dev.recur.kernel.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 approximations of transcendental functions on whole vectors, shared by the elementwise
 * kernels and by layer-specific vector kernels. Every argument must be of {@link #SPECIES}.
 *
 * <p>Accuracy: polynomial coefficients are weighted-minimax fits made by
 * {@code scripts/fit_kernel_polynomials.py}; each comment states the fit's own relative error, far
 * below float32 rounding. The measured end-to-end errors (against double references, all floats)
 * are in docs/DESIGN.md under "Kernel accuracy" and are asserted by {@code ActivationAccuracyTest}.
 * All functions propagate NaN, give the mathematical limits at ±Inf, and produce subnormal results
 * where the true value is subnormal (Java never flushes subnormals to zero).
 *
 * <p>Compilation budget: C2 stops inlining a method's callees once its graph holds about 18000
 * nodes (NodeCountInliningCutoff, not settable in product JVMs), and each Vector API operation
 * costs some 400 nodes while parsing. JDK Vector API methods are force-inlined past that point,
 * but a call to one of ours is then left out of line, which boxes its vectors and runs ~10x
 * slower. Hence: each function here calls our own code (exp) first and is otherwise written with
 * JDK calls only, and a loop should apply at most one of these functions per vector (a kernel
 * needing several makes several passes). ActivationBench shows when this is violated.
 */
public final class VectorMath {
    /** The platform's preferred float species (16 lanes with AVX-512, 8 with AVX2). */
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    // exp: x = k ln2 + r with |r| <= ln2/2 and k = round(x / ln2). LN2_HI has 9 trailing zero bits,
    // so k * LN2_HI is exact for |k| < 2^9 and x - k * LN2_HI is exact (Sterbenz): Cody and Waite.
    private static final float LOG2E = 0x1.715476p0f;
    private static final float LN2_HI = 0x1.62e4p-1f;
    private static final float LN2_LO = 0x1.7f7d1cp-20f;
    /** Adding 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer held in the low mantissa bits. */
    private static final float SHIFTER = 0x1.8p23f;
    private static final int SHIFTER_BITS = Float.floatToRawIntBits(SHIFTER);
    /**
     * Arguments are clamped to [-150, 128]: e^-150 times any multiplier below 2^40 underflows to zero and
     * e^128 overflows, so the clamp changes no result, while 2^k stays a product of two normal floats.
     */
    private static final float EXP_MIN = -150f;
    private static final float EXP_MAX = 128f;
    // e^r = 1 + r + r^2 (E2 + E3 r + ... + E6 r^4) on |r| <= ln2/2; fit relative error 3.1e-9.
    private static final float E2 = 0x1.fffffcp-2f;
    private static final float E3 = 0x1.555492p-3f;
    private static final float E4 = 0x1.5558f2p-5f;
    private static final float E5 = 0x1.123a2p-7f;
    private static final float E6 = 0x1.6a23dp-10f;

    // tanh(x) = x + x^3 (T0 + T1 x^2 + ... + T4 x^8) for |x| < TANH_POLY_MAX; fit relative error 4.4e-9.
    private static final float TANH_POLY_MAX = 0.625f;
    private static final float T0 = -0x1.555532p-2f;
    private static final float T1 = 0x1.110726p-3f;
    private static final float T2 = -0x1.b83c5ap-5f;
    private static final float T3 = 0x1.52269cp-6f;
    private static final float T4 = -0x1.75e1cep-8f;

    // log1p(u) = u + u^2 (L0 + L1 u + ... + L9 u^9) for u in [0, 1]; fit relative error 8.0e-10.
    private static final float L0 = -0x1.fffff8p-2f;
    private static final float L1 = 0x1.5553a6p-2f;
    private static final float L2 = -0x1.ffc42p-3f;
    private static final float L3 = 0x1.978278p-3f;
    private static final float L4 = -0x1.4a542ep-3f;
    private static final float L5 = 0x1.fea74cp-4f;
    private static final float L6 = -0x1.54458ap-4f;
    private static final float L7 = 0x1.57e966p-5f;
    private static final float L8 = -0x1.bead58p-7f;
    private static final float L9 = 0x1.0fb4bep-9f;

    /** Below this, e^x is subnormal (x below ln(2^-126) = -87.34): SiLU then asks for x e^x directly. */
    private static final float SUBNORMAL_EXP_ARG = -87f;
    /** Beyond this magnitude x (1 - sigmoid) and x sigmoid are 0 or the product would be Inf * 0. */
    private static final float SILU_CLAMP = 200f;

    private VectorMath() {}

    /** e^x; within 1 ulp where the result is normal. */
    public static FloatVector exp(FloatVector x) {
        return expCore(x, null, null);
    }

    /**
     * e^(hi + lo) for a small correction {@code lo} (|lo| at most a few ulp of hi, finite): lets a caller
     * pass an argument known to more than float precision, e.g. the exact difference x - max from 2Sum.
     */
    public static FloatVector exp(FloatVector hi, FloatVector lo) {
        return expCore(hi, lo, null);
    }

    /**
     * m * e^x rounded once from the product, so that it does not underflow or overflow in between
     * (valid for 2^-40 <= |m| <= 2^40, or m = 0): x e^x at x = -100 is a subnormal that e^-100 alone
     * could not give to full precision.
     */
    public static FloatVector mulExp(FloatVector m, FloatVector x) {
        return expCore(x, null, m);
    }

    /** lo and m are absent when null; the tests fold away once inlined into a caller passing a constant. */
    private static FloatVector expCore(FloatVector x, FloatVector lo, FloatVector m) {
        x = x.blend(EXP_MIN, x.lt(EXP_MIN)).blend(EXP_MAX, x.compare(VectorOperators.GT, EXP_MAX)); // NaN stays
        FloatVector t = x.fma(LOG2E, SHIFTER);
        FloatVector k = t.sub(SHIFTER);
        FloatVector r = k.fma(x.broadcast(-LN2_HI), x);
        r = k.fma(x.broadcast(-LN2_LO), r);
        if (lo != null) r = r.add(lo);
        FloatVector p = r.fma(E6, E5);
        p = p.fma(r, r.broadcast(E4));
        p = p.fma(r, r.broadcast(E3));
        p = p.fma(r, r.broadcast(E2));
        p = p.fma(r, r.broadcast(1f));
        // e^r = 1 + r p; with a multiplier, m e^r = m + r (p m), so that m costs no extra rounding.
        p = m == null ? p.fma(r, r.broadcast(1f)) : p.mul(m).fma(r, m);
        // 2^k = 2^k1 * 2^k2, both factors normal for k in [-217, 185]; the last product rounds once.
        IntVector ki = t.reinterpretAsInts().sub(SHIFTER_BITS);
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = ki.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /**
     * 1 / (1 + e^-x), as e^-|x| / (1 + e^-|x|) for negative x so that tiny results keep their
     * precision. The rounding errors of 1 + e and of the division are compensated: with
     * num = 1 (x >= 0) or e (x < 0), d = fl(1 + e) and q = fl(num / d), the pieces 1 + e = d + t
     * (Fast2Sum, as e <= 1) and num = q d + res (FMA) are exact, so num / (1 + e) = q + (res - q t) / (1 + e),
     * where 1 / (1 + e) is q itself for x >= 0 and 1 - q below. What remains is essentially the error
     * of e^-|x| and one final rounding.
     */
    public static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        VectorMask<Float> neg = x.lt(0f);
        FloatVector num = e.broadcast(1f).blend(e, neg);
        FloatVector d = e.add(1f);
        FloatVector q = num.div(d);
        FloatVector t = e.sub(d.sub(1f));
        FloatVector res = q.neg().fma(d, num);
        FloatVector inv = q.blend(e.broadcast(1f).sub(q), neg);
        return q.neg().fma(t, res).fma(inv, q);
    }

    /**
     * SiLU x * sigmoid(x) = x q + x c for the compensated sigmoid q + c of {@link #sigmoid}, rounded
     * once (FMA). Where e^x would be subnormal (x below -87), 1 + e^x is 1 and SiLU is x e^x: those
     * lanes ask the one exponential for {@link #mulExp x e^x} itself, exact to the last subnormal bit.
     * The compensated division is written out here as in {@link #sigmoid} rather than shared through
     * a helper: a helper entered after the exponential's ~10000 nodes could meet the inlining cutoff.
     */
    public static FloatVector silu(FloatVector x) {
        VectorMask<Float> tail = x.lt(SUBNORMAL_EXP_ARG);
        // Clamped where it multiplies something that may be 0: Inf * 0 would be NaN.
        FloatVector xc = x.blend(-SILU_CLAMP, x.lt(-SILU_CLAMP)).blend(SILU_CLAMP, x.compare(VectorOperators.GT, SILU_CLAMP));
        FloatVector e = mulExp(x.broadcast(1f).blend(xc, tail), x.abs().neg().blend(xc, tail));
        VectorMask<Float> neg = x.lt(0f);
        FloatVector num = e.broadcast(1f).blend(e, neg);
        FloatVector d = e.add(1f);
        FloatVector q = num.div(d);
        FloatVector t = e.sub(d.sub(1f));
        FloatVector res = q.neg().fma(d, num);
        FloatVector inv = q.blend(e.broadcast(1f).sub(q), neg);
        FloatVector c = q.neg().fma(t, res).mul(inv);
        return x.fma(q, xc.mul(c)).blend(e, tail);
    }

    /** log sigmoid(x) = -softplus(-x). */
    public static FloatVector logSigmoid(FloatVector x) {
        return softplus(x.neg()).neg();
    }

    /**
     * tanh: an odd polynomial below 0.625 in magnitude (relative accuracy down to subnormal x), and
     * 1 - 2 / (1 + e^2|x|) with the sign of x beyond, which saturates to ±1 without overflow trouble.
     */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector e = exp(a.add(a));
        FloatVector big = e.broadcast(1f).sub(e.broadcast(2f).div(e.add(1f)));
        big = big.blend(big.neg(), x.lt(0f));
        FloatVector s = x.mul(x);
        FloatVector q = s.fma(T4, T3);
        q = q.fma(s, s.broadcast(T2));
        q = q.fma(s, s.broadcast(T1));
        q = q.fma(s, s.broadcast(T0));
        // Below 2^-13 tanh(x) rounds to x; taking x there also keeps the sign of -0, which x + x^3 q loses.
        return big.blend(x.mul(s).fma(q, x), a.lt(TANH_POLY_MAX)).blend(x, a.lt(0x1p-13f));
    }

    /**
     * log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x, relative accuracy for very
     * negative x. log1p(u) for u = e^-|x| in [0, 1] is u + u^2 L(u), L a polynomial.
     */
    public static FloatVector softplus(FloatVector x) {
        FloatVector u = exp(x.abs().neg());
        FloatVector p = u.fma(L9, L8);
        p = p.fma(u, u.broadcast(L7));
        p = p.fma(u, u.broadcast(L6));
        p = p.fma(u, u.broadcast(L5));
        p = p.fma(u, u.broadcast(L4));
        p = p.fma(u, u.broadcast(L3));
        p = p.fma(u, u.broadcast(L2));
        p = p.fma(u, u.broadcast(L1));
        p = p.fma(u, u.broadcast(L0));
        return x.blend(0f, x.lt(0f)).add(u.mul(u).fma(p, u));
    }

    /** d silu / dx = s (1 + x (1 - s)) with s = sigmoid(x), both s and 1 - s formed without cancellation. */
    public static FloatVector siluDerivative(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        FloatVector q = e.broadcast(1f).div(e.add(1f)); // 1 / (1 + e^-|x|)
        FloatVector eq = e.mul(q);
        VectorMask<Float> neg = x.lt(0f);
        FloatVector s = q.blend(eq, neg);
        FloatVector oneMinusS = eq.blend(q, neg);
        FloatVector xc = x.blend(-SILU_CLAMP, x.lt(-SILU_CLAMP)).blend(SILU_CLAMP, x.compare(VectorOperators.GT, SILU_CLAMP));
        return s.mul(xc).fma(oneMinusS, s);
    }
}
