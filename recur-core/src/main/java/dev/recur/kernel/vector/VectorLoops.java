package dev.recur.kernel.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The loop shapes of the elementwise kernels. Every iteration runs under a mask (all lanes but
 * in the tail), so the function is applied at a single call site: it is inlined once, within the
 * compiler's node budget (see {@link VectorMath}), and the tail gets exactly the same math.
 * Each kernel passes a constant lambda; once this small method is inlined into the kernel the call
 * is monomorphic and the vectors stay in registers.
 */
final class VectorLoops {
    private static final VectorSpecies<Float> S = VectorMath.SPECIES;

    @FunctionalInterface
    interface Lanewise {
        FloatVector apply(FloatVector x);
    }

    @FunctionalInterface
    interface Binary {
        FloatVector apply(FloatVector a, FloatVector b);
    }

    @FunctionalInterface
    interface Update {
        FloatVector apply(FloatVector x, FloatVector dy, FloatVector dx);
    }

    private VectorLoops() {}

    /** y[i] = f(x[i]). */
    static void map(float[] x, int xOff, float[] y, int yOff, int n, Lanewise f) {
        for (int i = 0; i < n; i += S.length()) {
            VectorMask<Float> m = S.indexInRange(i, n);
            f.apply(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    /** y[i] = f(a[i], b[i]); y may alias a or b. */
    static void map2(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n, Binary f) {
        for (int i = 0; i < n; i += S.length()) {
            VectorMask<Float> m = S.indexInRange(i, n);
            f.apply(FloatVector.fromArray(S, a, aOff + i, m), FloatVector.fromArray(S, b, bOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    /** dx[i] = g(x[i], dy[i], dx[i]): the shape of every backward kernel. */
    static void update(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, Update g) {
        for (int i = 0; i < n; i += S.length()) {
            VectorMask<Float> m = S.indexInRange(i, n);
            g.apply(FloatVector.fromArray(S, x, xOff + i, m), FloatVector.fromArray(S, dy, dyOff + i, m),
                    FloatVector.fromArray(S, dx, dxOff + i, m)).intoArray(dx, dxOff + i, m);
        }
    }

    /** dx[i] += dy[i] * f(x[i]), rounded once (fused multiply-add). */
    static void accumulateProduct(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, Lanewise f) {
        update(x, xOff, dy, dyOff, dx, dxOff, n, (v, d, acc) -> f.apply(v).fma(d, acc));
    }
}
