package dev.recur.nn;

import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/**
 * Parameter initialisers with PyTorch's formulas ({@code torch.nn.init}), drawing from an
 * {@link Rng} so that a model is the same for the same seed. Each fills the tensor in place (any
 * strides) and returns it. Fans follow PyTorch: for a weight of shape (out, in, k...) the fan-in
 * is {@code in * prod(k)} and the fan-out {@code out * prod(k)}.
 */
public final class Init {
    private Init() {}

    /** Which fan scales a Kaiming initialisation: IN preserves forward variance, OUT backward. */
    public enum Fan { IN, OUT }

    /** Nonlinearities with a recommended gain ({@code torch.nn.init.calculate_gain}). */
    public enum Nonlinearity { LINEAR, SIGMOID, TANH, RELU, LEAKY_RELU, SELU }

    /** The recommended gain; {@code negativeSlope} is used by LEAKY_RELU only. */
    public static double gain(Nonlinearity f, double negativeSlope) {
        return switch (f) {
            case LINEAR, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3.0;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> Math.sqrt(2.0 / (1 + negativeSlope * negativeSlope));
            case SELU -> 0.75;
        };
    }

    public static int fanIn(int[] shape) {
        requireMatrix(shape);
        return shape[1] * receptive(shape);
    }

    public static int fanOut(int[] shape) {
        requireMatrix(shape);
        return shape[0] * receptive(shape);
    }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(Tensor t, double lo, double hi, Rng rng) {
        float[] v = new float[t.numel()];
        rng.fillUniform(v, 0, v.length, (float) lo, (float) hi);
        return t.copyFrom(Tensor.of(v, t.shape()));
    }

    /** Normal with the given mean and standard deviation. */
    public static Tensor normal(Tensor t, double mean, double std, Rng rng) {
        float[] v = new float[t.numel()];
        rng.fillNormal(v, 0, v.length, (float) mean, (float) std);
        return t.copyFrom(Tensor.of(v, t.shape()));
    }

    public static Tensor constant(Tensor t, float value) {
        return t.fill(value);
    }

    /** Glorot uniform: U(-a, a) with {@code a = gain * sqrt(6 / (fanIn + fanOut))}. */
    public static Tensor xavierUniform(Tensor t, double gain, Rng rng) {
        double a = gain * Math.sqrt(6.0 / (fanIn(t.shape()) + fanOut(t.shape())));
        return uniform(t, -a, a, rng);
    }

    /** Glorot normal: N(0, std²) with {@code std = gain * sqrt(2 / (fanIn + fanOut))}. */
    public static Tensor xavierNormal(Tensor t, double gain, Rng rng) {
        return normal(t, 0, gain * Math.sqrt(2.0 / (fanIn(t.shape()) + fanOut(t.shape()))), rng);
    }

    /** He uniform: U(-b, b) with {@code b = gain * sqrt(3 / fan)}. */
    public static Tensor kaimingUniform(Tensor t, double gain, Fan mode, Rng rng) {
        double b = gain * Math.sqrt(3.0 / fan(t.shape(), mode));
        return uniform(t, -b, b, rng);
    }

    /** He normal: N(0, std²) with {@code std = gain / sqrt(fan)}. */
    public static Tensor kaimingNormal(Tensor t, double gain, Fan mode, Rng rng) {
        return normal(t, 0, gain / Math.sqrt(fan(t.shape(), mode)), rng);
    }

    /**
     * A (semi-)orthogonal matrix times {@code gain}, as PyTorch's {@code orthogonal_}: the tensor
     * is seen as (rows, numel / rows); the Q factor of a Gaussian matrix (taller side first) with
     * the signs fixed so that R has a positive diagonal. Computed in double by twice-iterated
     * modified Gram–Schmidt, which is as accurate as Householder QR for these sizes.
     */
    public static Tensor orthogonal(Tensor t, double gain, Rng rng) {
        if (t.rank() < 2) throw new ShapeException("orthogonal init needs at least 2 dimensions, found " + Shapes.toString(t.shape()));
        int rows = t.dim(0), cols = rows == 0 ? 0 : t.numel() / rows;
        boolean wide = rows < cols;
        int n = wide ? cols : rows, m = wide ? rows : cols; // the n x m matrix whose m columns are orthonormalised
        double[][] q = new double[m][n]; // column-major: q[j] is column j
        double[] draws = new double[rows * cols];
        for (int i = 0; i < draws.length; i++) draws[i] = rng.nextGaussian();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = draws[r * cols + c];
                if (wide) q[r][c] = v; else q[c][r] = v;
            }
        }
        for (int j = 0; j < m; j++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < j; i++) {
                    double dot = 0;
                    for (int k = 0; k < n; k++) dot += q[i][k] * q[j][k];
                    for (int k = 0; k < n; k++) q[j][k] -= dot * q[i][k];
                }
            }
            double norm = 0;
            for (int k = 0; k < n; k++) norm += q[j][k] * q[j][k];
            norm = Math.sqrt(norm);
            if (norm == 0) throw new IllegalStateException("orthogonal init: a degenerate Gaussian draw");
            for (int k = 0; k < n; k++) q[j][k] /= norm;
        }
        float[] v = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) v[r * cols + c] = (float) (gain * (wide ? q[r][c] : q[c][r]));
        }
        return t.copyFrom(Tensor.of(v, t.shape()));
    }

    private static int fan(int[] shape, Fan mode) {
        return mode == Fan.IN ? fanIn(shape) : fanOut(shape);
    }

    private static int receptive(int[] shape) {
        int r = 1;
        for (int i = 2; i < shape.length; i++) r *= shape[i];
        return r;
    }

    private static void requireMatrix(int[] shape) {
        if (shape.length < 2) {
            throw new ShapeException("fan-in and fan-out need a tensor with at least 2 dimensions, found " + Shapes.toString(shape));
        }
    }
}
