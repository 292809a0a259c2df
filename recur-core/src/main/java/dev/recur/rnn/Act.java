package dev.recur.rnn;

import dev.recur.kernel.Activations;
import dev.recur.kernel.Backends;

/**
 * The cells' sigmoid, tanh and log-sigmoid: {@link VectorAct}'s loops on the vector backend, the
 * backend's own (scalar) kernels otherwise. The fused cell loops hold GEMMs and several activation
 * passes; inlined together they exceed C2's per-compilation inlining budget, after which vector
 * math is left out of line with its vectors boxed, several times slower (see VectorMath). So every
 * activation goes through one virtual call site that sees three receiver classes, which C2 leaves
 * as a call: each loop has a compilation of its own, and the call costs a few nanoseconds per row.
 */
final class Act {
    private abstract static class Fn {
        final Activations a = Backends.active().activations();
        final boolean vector = a.getClass().getName().contains(".vector.");

        abstract void apply(float[] x, int xOff, float[] y, int yOff, int n);
    }

    private static final class Sigmoid extends Fn {
        @Override
        void apply(float[] x, int xOff, float[] y, int yOff, int n) {
            if (vector) VectorAct.sigmoid(x, xOff, y, yOff, n);
            else a.sigmoid(x, xOff, y, yOff, n);
        }
    }

    private static final class Tanh extends Fn {
        @Override
        void apply(float[] x, int xOff, float[] y, int yOff, int n) {
            if (vector) VectorAct.tanh(x, xOff, y, yOff, n);
            else a.tanh(x, xOff, y, yOff, n);
        }
    }

    private static final class LogSigmoid extends Fn {
        @Override
        void apply(float[] x, int xOff, float[] y, int yOff, int n) {
            if (vector) VectorAct.logSigmoid(x, xOff, y, yOff, n);
            else a.logSigmoid(x, xOff, y, yOff, n);
        }
    }

    private static volatile Fn sigmoid = new Sigmoid(), tanh = new Tanh(), logSigmoid = new LogSigmoid();

    static {
        // Show the shared call site all three receivers before anything is compiled.
        float[] z = new float[1];
        for (int i = 0; i < 20; i++) {
            run(sigmoid, z, 0, z, 0, 1);
            run(tanh, z, 0, z, 0, 1);
            run(logSigmoid, z, 0, z, 0, 1);
        }
    }

    private Act() {}

    /** The one call site of every activation. */
    private static void run(Fn f, float[] x, int xOff, float[] y, int yOff, int n) {
        f.apply(x, xOff, y, yOff, n);
    }

    /** The function for the active backend (all three are rebuilt when a test or benchmark switches backends). */
    private static Fn current(Fn f, int which) {
        if (f.a == Backends.active().activations()) return f;
        sigmoid = new Sigmoid();
        tanh = new Tanh();
        logSigmoid = new LogSigmoid();
        return which == 0 ? sigmoid : which == 1 ? tanh : logSigmoid;
    }

    static void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        run(current(sigmoid, 0), x, xOff, y, yOff, n);
    }

    static void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        run(current(tanh, 1), x, xOff, y, yOff, n);
    }

    static void logSigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        run(current(logSigmoid, 2), x, xOff, y, yOff, n);
    }
}
