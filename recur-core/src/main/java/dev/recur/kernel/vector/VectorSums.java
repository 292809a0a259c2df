package dev.recur.kernel.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked sums: float lanes within a block of {@link #BLOCK} elements (A independent vector
 * accumulators of L lanes, combined pairwise, then a lane reduction), block partials added in
 * double. Each term then passes through at most BLOCK / (A L) + log2(A) + log2(L) float roundings,
 * so the error of a result is at most 0.5 ulp plus that count times 2^-24 * sum |terms|, whatever
 * n: 22 * 2^-24 for sum and dot (A = 4, L = 16), 37 for the two-accumulator sums, 68 for
 * {@link #dotCentered} (A = 1). Float speed, with an error that does not grow with n.
 */
final class VectorSums {
    static final int BLOCK = 1024;
    private static final VectorSpecies<Float> S = VectorMath.SPECIES;
    private static final int L = S.length();

    private VectorSums() {}

    static double sum(float[] x, int off, int n) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) {
            int end = Math.min(n, b + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int i = b;
            for (; i <= end - 4 * L; i += 4 * L) {
                a0 = a0.add(FloatVector.fromArray(S, x, off + i));
                a1 = a1.add(FloatVector.fromArray(S, x, off + i + L));
                a2 = a2.add(FloatVector.fromArray(S, x, off + i + 2 * L));
                a3 = a3.add(FloatVector.fromArray(S, x, off + i + 3 * L));
            }
            for (; i <= end - L; i += L) a0 = a0.add(FloatVector.fromArray(S, x, off + i));
            if (i < end) a1 = a1.add(FloatVector.fromArray(S, x, off + i, S.indexInRange(i, end)));
            total += combine(a0, a1, a2, a3);
        }
        return total;
    }

    static double dot(float[] a, int aOff, float[] b, int bOff, int n) {
        double total = 0;
        for (int blk = 0; blk < n; blk += BLOCK) {
            int end = Math.min(n, blk + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int i = blk;
            for (; i <= end - 4 * L; i += 4 * L) {
                a0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), a0);
                a1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), a1);
                a2 = FloatVector.fromArray(S, a, aOff + i + 2 * L).fma(FloatVector.fromArray(S, b, bOff + i + 2 * L), a2);
                a3 = FloatVector.fromArray(S, a, aOff + i + 3 * L).fma(FloatVector.fromArray(S, b, bOff + i + 3 * L), a3);
            }
            for (; i <= end - L; i += L) {
                a0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), a0);
            }
            if (i < end) {
                VectorMask<Float> m = S.indexInRange(i, end);
                a1 = FloatVector.fromArray(S, a, aOff + i, m).fma(FloatVector.fromArray(S, b, bOff + i, m), a1);
            }
            total += combine(a0, a1, a2, a3);
        }
        return total;
    }

    /**
     * sum (x[i] - c): with c a sample of the row (its first element) the terms are as small as the
     * row's spread, so the mean c + sum/n is accurate even where the mean dwarfs the spread.
     */
    static double sumDeviations(float[] x, int off, int n, float c) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) {
            int end = Math.min(n, b + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            int i = b;
            for (; i <= end - 2 * L; i += 2 * L) {
                a0 = a0.add(FloatVector.fromArray(S, x, off + i).sub(c));
                a1 = a1.add(FloatVector.fromArray(S, x, off + i + L).sub(c));
            }
            for (; i < end; i += L) {
                VectorMask<Float> m = S.indexInRange(i, end);
                a0 = a0.add(FloatVector.fromArray(S, x, off + i, m).sub(c), m);
            }
            total += LaneSums.sum(a0.add(a1));
        }
        return total;
    }

    /** sum (x[i] - c)^2: the two-pass variance, free of the cancellation of sum x^2 - n c^2. */
    static double sumSquaredDeviations(float[] x, int off, int n, float c) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) {
            int end = Math.min(n, b + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            int i = b;
            for (; i <= end - 2 * L; i += 2 * L) {
                FloatVector d0 = FloatVector.fromArray(S, x, off + i).sub(c);
                FloatVector d1 = FloatVector.fromArray(S, x, off + i + L).sub(c);
                a0 = d0.fma(d0, a0);
                a1 = d1.fma(d1, a1);
            }
            if (i <= end - L) {
                FloatVector d = FloatVector.fromArray(S, x, off + i).sub(c);
                a0 = d.fma(d, a0);
                i += L;
            }
            if (i < end) {
                VectorMask<Float> m = S.indexInRange(i, end);
                FloatVector d = FloatVector.fromArray(S, x, off + i, m).sub(c, m); // inactive lanes stay 0
                a1 = d.fma(d, a1);
            }
            total += LaneSums.sum(a0.add(a1));
        }
        return total;
    }

    /** sum a[i] * b[i] * (x[i] - c), with b == null read as ones: the gradient statistics of the norms. */
    static double dotCentered(float[] a, int aOff, float[] b, int bOff, float[] x, int xOff, float c, int n) {
        double total = 0;
        for (int blk = 0; blk < n; blk += BLOCK) {
            int end = Math.min(n, blk + BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (int i = blk; i < end; i += L) {
                VectorMask<Float> m = S.indexInRange(i, end);
                FloatVector u = FloatVector.fromArray(S, a, aOff + i, m);
                if (b != null) u = u.mul(FloatVector.fromArray(S, b, bOff + i, m));
                acc = u.fma(FloatVector.fromArray(S, x, xOff + i, m).sub(c, m), acc);
            }
            total += LaneSums.sum(acc);
        }
        return total;
    }

    private static double combine(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        return LaneSums.sum(a0.add(a1).add(a2.add(a3)));
    }
}
