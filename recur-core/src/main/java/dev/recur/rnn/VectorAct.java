package dev.recur.rnn;

import dev.recur.kernel.vector.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gate activations on the Vector API, one function per loop and each loop in its own method
 * with a direct (static) call to {@link VectorMath}, so that C2 always inlines the math into the
 * loop. (The backend's elementwise kernels share one loop method over lambdas; once that method is
 * compiled on its own and has seen several functions, the call is megamorphic and the vectors are
 * boxed.) Loaded only when the vector backend is active; {@link Act} holds the scalar twin. Whole
 * vectors are loaded and stored unmasked, only the tail with a mask: AVX2 has no masked store, and
 * its emulation (vmaskmovps) is slow on Zen.
 */
final class VectorAct {
    private static final VectorSpecies<Float> S = VectorMath.SPECIES;

    private VectorAct() {}

    static void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - S.length(); i += S.length()) VectorMath.sigmoid(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.sigmoid(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    static void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - S.length(); i += S.length()) VectorMath.tanh(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.tanh(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    static void logSigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (; i <= n - S.length(); i += S.length()) VectorMath.logSigmoid(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.logSigmoid(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }
}
