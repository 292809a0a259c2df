package dev.recur.ops;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.recur.testing.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NormTest {
    private static final float EPS = 1e-5f;

    static double[] layerNorm64(double[] x, double[] w, double[] b, int cols) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / cols; r++) {
            double mu = 0, var = 0;
            for (int j = 0; j < cols; j++) mu += x[r * cols + j];
            mu /= cols;
            for (int j = 0; j < cols; j++) var += (x[r * cols + j] - mu) * (x[r * cols + j] - mu);
            double rs = 1 / Math.sqrt(var / cols + EPS);
            for (int j = 0; j < cols; j++) {
                y[r * cols + j] = (x[r * cols + j] - mu) * rs * (w == null ? 1 : w[j]) + (b == null ? 0 : b[j]);
            }
        }
        return y;
    }

    static double[] rmsNorm64(double[] x, double[] w, int cols) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / cols; r++) {
            double ss = 0;
            for (int j = 0; j < cols; j++) ss += x[r * cols + j] * x[r * cols + j];
            double rs = 1 / Math.sqrt(ss / cols + EPS);
            for (int j = 0; j < cols; j++) y[r * cols + j] = x[r * cols + j] * rs * (w == null ? 1 : w[j]);
        }
        return y;
    }

    @Test
    void layerNormWithAndWithoutAffine() {
        Rng rng = new Rng(1);
        Tensor x = randn(rng, 2, 3, 6), w = randn(rng, 6), b = randn(rng, 6);
        GradCheck.check(new Tensor[] {x, w, b}, new boolean[] {true, true, true}, v -> Norm.layerNorm(v[0], v[1], v[2], EPS),
                d -> layerNorm64(d[0], d[1], d[2], 6), 1).assertWithin(1e-4);
        GradCheck.check(new Tensor[] {x}, new boolean[] {true}, v -> Norm.layerNorm(v[0], null, null, EPS),
                d -> layerNorm64(d[0], null, null, 6), 2).assertWithin(1e-4);
        GradCheck.check(new Tensor[] {x, w}, new boolean[] {false, true}, v -> Norm.layerNorm(v[0], v[1], null, EPS),
                d -> layerNorm64(d[0], d[1], null, 6), 3).assertWithin(1e-4);
    }

    @Test
    void rmsNormWithAndWithoutWeight() {
        Rng rng = new Rng(2);
        Tensor x = randn(rng, 4, 5), w = randn(rng, 5);
        GradCheck.check(new Tensor[] {x, w}, new boolean[] {true, true}, v -> Norm.rmsNorm(v[0], v[1], EPS),
                d -> rmsNorm64(d[0], d[1], 5), 4).assertWithin(1e-4);
        GradCheck.check(new Tensor[] {x}, new boolean[] {true}, v -> Norm.rmsNorm(v[0], null, EPS),
                d -> rmsNorm64(d[0], null, 5), 5).assertWithin(1e-4);
    }

    @Test
    void stridedInputsAndOffsetWeights() {
        Rng rng = new Rng(3);
        Tensor x = randn(rng, 5, 4), wb = randn(rng, 2, 5);
        // x transposed (4, 5); the weight is row 1 of a (2, 5) tensor: a view with a nonzero offset
        GradCheck.check(new Tensor[] {x, wb}, new boolean[] {true, true},
                v -> Norm.rmsNorm(Shape.transpose(v[0], 0, 1), Shape.select(v[1], 0, 1), EPS),
                d -> {
                    double[] t = new double[20], w = java.util.Arrays.copyOfRange(d[1], 5, 10);
                    for (int i = 0; i < 4; i++) for (int j = 0; j < 5; j++) t[i * 5 + j] = d[0][j * 4 + i];
                    return rmsNorm64(t, w, 5);
                }, 6).assertWithin(1e-4);
    }

    @Test
    void affineShapesAreChecked() {
        Var x = Var.constant(Tensor.zeros(2, 4));
        assertThrows(ShapeException.class, () -> Norm.layerNorm(x, Var.constant(Tensor.zeros(3)), null, EPS));
        assertThrows(ShapeException.class, () -> Norm.rmsNorm(x, Var.constant(Tensor.zeros(4, 1)), EPS));
    }
}
