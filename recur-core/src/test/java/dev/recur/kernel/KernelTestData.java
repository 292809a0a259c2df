package dev.recur.kernel;

import dev.recur.random.Rng;

/** Inputs and comparisons shared by the kernel twin tests. */
public final class KernelTestData {
    /** Lengths around the vector width (16 lanes with AVX-512, 8 with AVX2) and long ones with tails. */
    public static final int[] LENGTHS = {0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 64, 1000, 1037};
    /** Values outside the guard region must never change. */
    public static final float SENTINEL = 12345.25f;
    public static final int GUARD = 5;

    /** Values where the kernels switch formulas, saturate, underflow or overflow. */
    public static final float[] SPECIAL = {
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
        1e-30f, -1e-30f, 1e-7f, -1e-7f, 0x1p-13f, -0x1p-13f, 0.625f, -0.625f, Math.nextDown(0.625f), -Math.nextDown(0.625f),
        1f, -1f, 9f, -9f, 13.1f, -13.1f, 14.2f, -14.2f, 17f, -17f, 20f, -20f, 20.5f, -20.5f,
        87f, -87f, 87.5f, -87.5f, 88.72f, 88.73f, 89f, -89f, 92.5f, -92.5f, 100f, -100f, 103.5f, -103.5f,
        104f, -104f, 150f, -150f, 151f, -151f, 200f, -200f, 250f, -250f, 1e10f, -1e10f,
    };

    private KernelTestData() {}

    /** n values, mostly N(0, scale^2), one in eight taken from {@link #SPECIAL}. */
    public static float[] mixed(Rng rng, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextInt(8) == 0 ? SPECIAL[rng.nextInt(SPECIAL.length)] : (float) (rng.nextGaussian() * scale);
        }
        return a;
    }

    /** A copy of values placed at offset off in an array with GUARD sentinels after it (and before, off > 0). */
    public static float[] placed(float[] values, int off) {
        float[] a = new float[off + values.length + GUARD];
        java.util.Arrays.fill(a, SENTINEL);
        System.arraycopy(values, 0, a, off, values.length);
        return a;
    }

    /** Elements outside [off, off + n) still hold the sentinel. */
    public static boolean guardsIntact(float[] a, int off, int n) {
        for (int i = 0; i < a.length; i++) {
            if ((i < off || i >= off + n) && Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(SENTINEL)) return false;
        }
        return true;
    }

    /**
     * Whether actual is within tol ulps of expected (ulp of expected; a subnormal ulp for zero), with
     * NaN matching NaN, infinities matching exactly and zeros matching in sign.
     */
    public static boolean withinUlps(float expected, float actual, double tol) {
        if (Float.isNaN(expected) || Float.isNaN(actual)) return Float.isNaN(expected) && Float.isNaN(actual);
        if (Float.isInfinite(expected) || Float.isInfinite(actual)) return expected == actual;
        if (expected == 0 && actual == 0) return Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(actual);
        return Math.abs((double) actual - expected) <= tol * Math.ulp(expected);
    }
}
