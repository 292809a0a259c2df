package dev.recur.kernel.vector;

import dev.recur.kernel.Activations;
import dev.recur.kernel.Backends;
import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.recur.kernel.KernelTestData.LENGTHS;
import static dev.recur.kernel.KernelTestData.guardsIntact;
import static dev.recur.kernel.KernelTestData.mixed;
import static dev.recur.kernel.KernelTestData.placed;
import static dev.recur.kernel.KernelTestData.withinUlps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every vector activation against its scalar twin: tails, offsets, in place, special values. */
class VectorActivationsTest {
    private static final Activations SCALAR = Backends.scalar().activations();
    private static final Activations VECTOR = Backends.vector().activations();

    /** Forward kernels with the vector's error bound against the exact result, plus the twin's 0.5 ulp. */
    enum Forward {
        EXP(Activations::exp, 1.0),
        SIGMOID(Activations::sigmoid, 1.5),
        TANH(Activations::tanh, 1.5),
        SOFTPLUS(Activations::softplus, 2.1),
        LOG_SIGMOID(Activations::logSigmoid, 2.1),
        SILU(Activations::silu, 1.7),
        GELU(Activations::gelu, 0.6),
        RELU(Activations::relu, 0);

        final Kernel kernel;
        final double ulps;

        Forward(Kernel kernel, double vectorUlps) {
            this.kernel = kernel;
            this.ulps = vectorUlps + 0.5;
        }
    }

    enum Backward {
        SIGMOID(Activations::sigmoidBackward, 1f),
        TANH(Activations::tanhBackward, 1f),
        SOFTPLUS(Activations::softplusBackward, 3f),
        SILU(Activations::siluBackward, 3f),
        GELU(Activations::geluBackward, 3f),
        RELU(Activations::reluBackward, 3f);

        final BackwardKernel kernel;
        final float inputScale;

        Backward(BackwardKernel kernel, float inputScale) {
            this.kernel = kernel;
            this.inputScale = inputScale;
        }
    }

    @FunctionalInterface
    interface Kernel {
        void apply(Activations a, float[] x, int xOff, float[] y, int yOff, int n);
    }

    @FunctionalInterface
    interface BackwardKernel {
        void apply(Activations a, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);
    }

    @ParameterizedTest
    @EnumSource(Forward.class)
    void forwardMatchesScalarTwin(Forward f) {
        Rng rng = new Rng(f.ordinal() + 1);
        for (int n : LENGTHS) {
            for (int off : new int[] {0, 3}) {
                float[] values = mixed(rng, n, 4f);
                float[] x = placed(values, off);
                float[] expected = placed(new float[n], off), actual = placed(new float[n], off + 1);
                f.kernel.apply(SCALAR, x, off, expected, off, n);
                f.kernel.apply(VECTOR, x, off, actual, off + 1, n);
                assertTrue(guardsIntact(actual, off + 1, n), f + ": wrote outside [off, off + n) for n = " + n);
                float[] inPlace = x.clone();
                f.kernel.apply(VECTOR, inPlace, off, inPlace, off, n);
                assertTrue(guardsIntact(inPlace, off, n), f + " in place: wrote outside the range for n = " + n);
                for (int i = 0; i < n; i++) {
                    float e = expected[off + i];
                    if (!withinUlps(e, actual[off + 1 + i], f.ulps) || !withinUlps(e, inPlace[off + i], f.ulps)) {
                        fail(f + "(" + values[i] + "): scalar " + e + ", vector " + actual[off + 1 + i]
                                + ", in place " + inPlace[off + i] + " (n = " + n + ", tolerance " + f.ulps + " ulp)");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backward.class)
    void backwardMatchesScalarTwin(Backward b) {
        Rng rng = new Rng(100 + b.ordinal());
        for (int n : LENGTHS) {
            for (int off : new int[] {0, 5}) {
                float[] x = mixed(rng, n, b.inputScale);
                if (b == Backward.SIGMOID || b == Backward.TANH) { // inputs are forward outputs
                    for (int i = 0; i < n; i++) x[i] = (float) Math.tanh(x[i] * 0.7) * (b == Backward.SIGMOID ? 0.5f : 1f) + (b == Backward.SIGMOID ? 0.5f : 0f);
                }
                float[] dy = new float[n]; // finite: Inf * (a derivative that underflowed) has no agreed value
                for (int i = 0; i < n; i++) dy[i] = (float) rng.nextGaussian() * (rng.nextInt(8) == 0 ? 300f : 1f);
                float[] dx0 = new float[n];
                for (int i = 0; i < n; i++) dx0[i] = (float) rng.nextGaussian();
                float[] expected = placed(dx0, off), actual = placed(dx0, off + 2);
                b.kernel.apply(SCALAR, placed(x, off), off, placed(dy, 1), 1, expected, off, n);
                b.kernel.apply(VECTOR, placed(x, off), off, placed(dy, 1), 1, actual, off + 2, n);
                assertTrue(guardsIntact(actual, off + 2, n), b + ": wrote outside the range for n = " + n);
                for (int i = 0; i < n; i++) {
                    float e = expected[off + i], a = actual[off + 2 + i];
                    // Derivatives are within a few ulp in float; near a derivative's zero that is
                    // relative to |dy| (e.g. SiLU's at x = -1.28 comes from 1 + x (1 - s) cancelling).
                    double tol = 2e-6 * (Math.abs(dx0[i]) + Math.abs(dy[i])) + 1e-37;
                    boolean ok = Float.isNaN(e) ? Float.isNaN(a) : Float.isInfinite(e) ? a == e : Math.abs(a - (double) e) <= tol;
                    if (!ok) fail(b + " backward at x = " + x[i] + ", dy = " + dy[i] + ": scalar " + e + ", vector " + a);
                }
            }
        }
    }

    @Test
    void limitsAndSignedZeros() {
        float inf = Float.POSITIVE_INFINITY;
        float[] x = {inf, -inf, -0f, 0f, Float.NaN};
        for (Activations a : new Activations[] {SCALAR, VECTOR}) {
            assertResults(a, Activations::exp, x, inf, 0f, 1f, 1f, Float.NaN);
            assertResults(a, Activations::sigmoid, x, 1f, 0f, 0.5f, 0.5f, Float.NaN);
            assertResults(a, Activations::tanh, x, 1f, -1f, -0f, 0f, Float.NaN);
            assertResults(a, Activations::softplus, x, inf, 0f, (float) Math.log(2), (float) Math.log(2), Float.NaN);
            assertResults(a, Activations::logSigmoid, x, -0f, -inf, (float) -Math.log(2), (float) -Math.log(2), Float.NaN);
            assertResults(a, Activations::silu, x, inf, -0f, -0f, 0f, Float.NaN);
            assertResults(a, Activations::gelu, x, inf, -0f, -0f, 0f, Float.NaN);
            assertResults(a, Activations::relu, x, inf, 0f, -0f, 0f, Float.NaN);
        }
    }

    private static void assertResults(Activations a, Kernel k, float[] x, float... expected) {
        float[] y = new float[x.length];
        k.apply(a, x, 0, y, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            String where = a.getClass().getSimpleName() + " at " + x[i] + ": " + y[i];
            if (Float.isNaN(expected[i])) assertTrue(Float.isNaN(y[i]), where);
            else assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(y[i]), where);
        }
    }

    @Test
    void reluBackwardIgnoresGradientWhereInputIsNotPositive() {
        float[] x = {-1f, 0f, -0f, Float.NaN, 2f, -3f};
        float[] dy = {Float.POSITIVE_INFINITY, Float.NaN, 5f, 7f, 1.5f, Float.NEGATIVE_INFINITY};
        for (Activations a : new Activations[] {SCALAR, VECTOR}) {
            float[] dx = {1f, 1f, 1f, 1f, 1f, 1f};
            a.reluBackward(x, 0, dy, 0, dx, 0, x.length);
            assertEquals(java.util.List.of(1f, 1f, 1f, 1f, 2.5f, 1f), java.util.List.of(dx[0], dx[1], dx[2], dx[3], dx[4], dx[5]));
        }
    }
}
