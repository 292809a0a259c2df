package dev.recur.rnn;

import dev.recur.kernel.Activations;
import dev.recur.kernel.Backends;

/**
 * The backend's sigmoid, tanh and log-sigmoid, called so that the JIT compiles each kernel on its
 * own. The fused cell loops hold GEMMs and several activation passes; inlined together they
 * exceed C2's per-compilation inlining budget, after which the vector math functions are left out
 * of line with their vectors boxed, several times slower (see VectorMath). Here every activation
 * goes through one virtual call site that sees three receiver classes (made so at class
 * initialisation), which C2 leaves as a call: each kernel then has a compilation of its own, and
 * the call costs a few nanoseconds per row.
 */
final class Act {
    private abstract static class Fn {
        final Activations a = Backends.active().activations();

        abstract void apply(float[] x, int xOff, float[] y, int yOff, int n);
    }

    private static final class Sigmoid extends Fn {
        @Override
        void apply(float[] x, int xOff, float[] y, int yOff, int n) {
            a.sigmoid(x, xOff, y, yOff, n);
        }
    }

    private static final class Tanh extends Fn {
        @Override
        void apply(float[] x, int xOff, float[] y, int yOff, int n) {
            a.tanh(x, xOff, y, yOff, n);
        }
    }

    private static final class LogSigmoid extends Fn {
        @Override
        void apply(float[] x, int xOff, float[] y, int yOff, int n) {
            a.logSigmoid(x, xOff, y, yOff, n);
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

    /** The functions of the active backend (rebuilt when a test or benchmark switches backends). */
    private static Fn fresh(Fn f) {
        if (f.a == Backends.active().activations()) return f;
        sigmoid = new Sigmoid();
        tanh = new Tanh();
        logSigmoid = new LogSigmoid();
        return null;
    }

    static void sigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        Fn f = fresh(sigmoid);
        run(f != null ? f : sigmoid, x, xOff, y, yOff, n);
    }

    static void tanh(float[] x, int xOff, float[] y, int yOff, int n) {
        Fn f = fresh(tanh);
        run(f != null ? f : tanh, x, xOff, y, yOff, n);
    }

    static void logSigmoid(float[] x, int xOff, float[] y, int yOff, int n) {
        Fn f = fresh(logSigmoid);
        run(f != null ? f : logSigmoid, x, xOff, y, yOff, n);
    }
}
