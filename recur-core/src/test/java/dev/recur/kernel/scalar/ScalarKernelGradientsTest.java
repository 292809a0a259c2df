package dev.recur.kernel.scalar;

import dev.recur.kernel.Activations;
import dev.recur.kernel.Norms;
import dev.recur.kernel.Reductions;
import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The backward kernels of the scalar twins (the references every vector kernel is tested against)
 * against central finite differences of their forward functions: in double where the forward is
 * available in double, else on the float kernels with a step large enough to drown their rounding.
 */
class ScalarKernelGradientsTest {
    private static final Activations ACT = new ScalarActivations();
    private static final Reductions RED = new ScalarReductions();
    private static final Norms NORMS = new ScalarNorms();

    private static double centralDifference(DoubleUnaryOperator f, double x) {
        double h = 1e-5 * Math.max(1, Math.abs(x));
        return (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
    }

    @Test
    void activationDerivativesMatchFiniteDifferencesInDouble() {
        for (double x = -30; x <= 30; x += 0.173) {
            assertEquals(centralDifference(ScalarActivations::silu, x), ScalarActivations.siluDerivative(x), 1e-8, "silu' at " + x);
            assertEquals(centralDifference(ScalarActivations::gelu, x), ScalarActivations.geluDerivative(x), 1e-8, "gelu' at " + x);
            float xf = (float) x;
            assertEquals(centralDifference(ScalarMath::softplus, xf), backward(Activations::softplusBackward, xf), 1e-6, "softplus' at " + x);
            assertEquals(centralDifference(Math::tanh, x), backward(Activations::tanhBackward, (float) Math.tanh(x)), 2e-6, "tanh' at " + x);
            assertEquals(centralDifference(ScalarMath::sigmoid, x), backward(Activations::sigmoidBackward, (float) ScalarMath.sigmoid(x)),
                    1e-6, "sigmoid' at " + x);
            assertEquals(x > 0 ? 1 : 0, backward(Activations::reluBackward, xf), 0);
        }
        assertEquals(1.0, ScalarActivations.siluDerivative(Double.POSITIVE_INFINITY));
        assertEquals(0.0, ScalarActivations.siluDerivative(Double.NEGATIVE_INFINITY), 1e-80);
        assertEquals(1.0, ScalarActivations.geluDerivative(Double.POSITIVE_INFINITY));
        assertEquals(0.0, ScalarActivations.geluDerivative(Double.NEGATIVE_INFINITY), 1e-80);
    }

    @FunctionalInterface
    private interface Backward {
        void apply(Activations a, float[] in, int inOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);
    }

    /** The backward kernel's dx for dy = 1 at one input (x, or the forward output y for sigmoid/tanh). */
    private static double backward(Backward b, float in) {
        float[] dx = {0f};
        b.apply(ACT, new float[] {in}, 0, new float[] {1f}, 0, dx, 0, 1);
        return dx[0];
    }

    @FunctionalInterface
    private interface RowKernel {
        void apply(float[] x, float[] y);
    }

    /** d(sum w y)/dx by central differences of a float kernel, accumulated in double. */
    private static double[] numericGradient(RowKernel forward, float[] x, float[] w, float step) {
        double[] g = new double[x.length];
        float[] y = new float[w.length];
        for (int j = 0; j < x.length; j++) {
            float keep = x[j];
            double[] loss = new double[2];
            for (int side = 0; side < 2; side++) {
                x[j] = keep + (side == 0 ? step : -step);
                forward.apply(x, y);
                for (int i = 0; i < y.length; i++) loss[side] += (double) w[i] * y[i];
            }
            x[j] = keep;
            g[j] = (loss[0] - loss[1]) / (2.0 * step);
        }
        return g;
    }

    private static float[] gaussian(Rng rng, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (std * rng.nextGaussian());
        return a;
    }

    private static void assertGradient(double[] expected, float[] actual, double tol, String what) {
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], tol * (1 + Math.abs(expected[i])), what + " [" + i + "]");
    }

    @Test
    void normBackwardsMatchFiniteDifferences() {
        Rng rng = new Rng(3);
        int rows = 2, cols = 9;
        float[] x = gaussian(rng, rows * cols, 1.5), w = gaussian(rng, rows * cols, 1), gamma = gaussian(rng, cols, 1), beta = gaussian(rng, cols, 1);
        float[] mean = new float[rows], rstd = new float[rows];
        NORMS.layerNorm(x, 0, gamma, beta, new float[rows * cols], 0, mean, rstd, rows, cols, 1e-5f);
        float[] dx = new float[rows * cols], dgamma = new float[cols], dbeta = new float[cols];
        NORMS.layerNormBackward(x, 0, gamma, w, 0, mean, rstd, dx, 0, dgamma, dbeta, rows, cols);
        double[] numeric = numericGradient((in, y) -> NORMS.layerNorm(in, 0, gamma, beta, y, 0, new float[rows], new float[rows], rows, cols, 1e-5f), x, w, 1e-2f);
        assertGradient(numeric, dx, 2e-3, "layerNorm dx");
        double[] numericGamma = numericGradient((g, y) -> NORMS.layerNorm(x, 0, g, beta, y, 0, new float[rows], new float[rows], rows, cols, 1e-5f), gamma.clone(), w, 1e-2f);
        assertGradient(numericGamma, dgamma, 2e-3, "layerNorm dgamma");
        double[] numericBeta = numericGradient((b, y) -> NORMS.layerNorm(x, 0, gamma, b, y, 0, new float[rows], new float[rows], rows, cols, 1e-5f), beta.clone(), w, 1e-2f);
        assertGradient(numericBeta, dbeta, 2e-3, "layerNorm dbeta");

        NORMS.rmsNorm(x, 0, gamma, new float[rows * cols], 0, rstd, rows, cols, 1e-6f);
        float[] rdx = new float[rows * cols], rdgamma = new float[cols];
        NORMS.rmsNormBackward(x, 0, gamma, w, 0, rstd, rdx, 0, rdgamma, rows, cols);
        assertGradient(numericGradient((in, y) -> NORMS.rmsNorm(in, 0, gamma, y, 0, new float[rows], rows, cols, 1e-6f), x, w, 1e-2f),
                rdx, 2e-3, "rmsNorm dx");
        assertGradient(numericGradient((g, y) -> NORMS.rmsNorm(x, 0, g, y, 0, new float[rows], rows, cols, 1e-6f), gamma.clone(), w, 1e-2f),
                rdgamma, 2e-3, "rmsNorm dgamma");
    }

    @Test
    void softmaxBackwardsMatchFiniteDifferences() {
        Rng rng = new Rng(4);
        int rows = 3, cols = 7;
        float[] x = gaussian(rng, rows * cols, 2), w = gaussian(rng, rows * cols, 1);
        float[] y = new float[rows * cols], logY = new float[rows * cols];
        RED.softmaxRows(x, 0, y, 0, rows, cols);
        RED.logSoftmaxRows(x, 0, logY, 0, rows, cols);
        float[] dx = new float[rows * cols], dxLog = new float[rows * cols];
        RED.softmaxRowsBackward(y, 0, w, 0, dx, 0, rows, cols);
        RED.logSoftmaxRowsBackward(logY, 0, w, 0, dxLog, 0, rows, cols);
        assertGradient(numericGradient((in, out) -> RED.softmaxRows(in, 0, out, 0, rows, cols), x, w, 1e-2f), dx, 2e-3, "softmax");
        assertGradient(numericGradient((in, out) -> RED.logSoftmaxRows(in, 0, out, 0, rows, cols), x, w, 1e-2f), dxLog, 2e-3, "logSoftmax");
    }
}
