package dev.recur.ops;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.recur.testing.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class SoftmaxTest {
    static double[] softmax64(double[] x, int cols, boolean log) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / cols; r++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < cols; j++) m = Math.max(m, x[r * cols + j]);
            for (int j = 0; j < cols; j++) s += Math.exp(x[r * cols + j] - m);
            for (int j = 0; j < cols; j++) {
                double v = x[r * cols + j] - m - Math.log(s);
                y[r * cols + j] = log ? v : Math.exp(v);
            }
        }
        return y;
    }

    @Test
    void softmaxAndLogSoftmaxOverTheLastDimension() {
        Tensor x = randn(new Rng(1), 2, 3, 5);
        GradCheck.check(new Tensor[] {x}, new boolean[] {true}, v -> Softmax.softmax(v[0]), d -> softmax64(d[0], 5, false), 1).assertWithin(1e-5);
        GradCheck.check(new Tensor[] {x}, new boolean[] {true}, v -> Softmax.logSoftmax(v[0]), d -> softmax64(d[0], 5, true), 2).assertWithin(1e-5);
        // through a strided view (the softmax runs over the transposed rows)
        Tensor base = randn(new Rng(2), 5, 3);
        GradCheck.check(new Tensor[] {base}, new boolean[] {true}, v -> Softmax.logSoftmax(Shape.transpose(v[0], 0, 1)), d -> {
            double[] t = new double[15];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) t[i * 5 + j] = d[0][j * 3 + i];
            return softmax64(t, 5, true);
        }, 3).assertWithin(1e-5);
    }

    @Test
    void largeLogitsDoNotOverflow() {
        Var y = Softmax.logSoftmax(Var.constant(Tensor.of(new float[] {1000f, 0f, -1000f}, 3)));
        assertEquals(0f, y.value().get(0), 1e-6f);
        assertEquals(-1000f, y.value().get(1), 1e-3f);
        assertFalse(Float.isNaN(Softmax.softmax(Var.constant(Tensor.of(new float[] {1e30f, 1e30f}, 2))).value().get(0)));
    }
}
