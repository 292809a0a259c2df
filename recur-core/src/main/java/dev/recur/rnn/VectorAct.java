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
 * boxed.) Loaded only when the vector backend is active; {@link Act} holds the scalar twin.
 */
final class VectorAct {
    private static final VectorSpecies<Float> S = VectorMath.SPECIES;

    private VectorAct() {}

    static void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i += S.length()) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.sigmoid(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    static void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i += S.length()) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.tanh(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }

    static void logSigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i += S.length()) {
            VectorMask<Float> m = S.indexInRange(i, n);
            VectorMath.logSigmoid(FloatVector.fromArray(S, x, xOff + i, m)).intoArray(y, yOff + i, m);
        }
    }
}
