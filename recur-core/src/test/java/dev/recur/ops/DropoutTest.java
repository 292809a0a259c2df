package dev.recur.ops;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.recur.ops.Dropout.dropout;
import static dev.recur.testing.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DropoutTest {
    @Test
    void gradientFollowsTheMask() {
        Tensor x = randn(new Rng(1), 4, 5);
        float p = 0.3f;
        GradCheck.check(new Tensor[] {x}, new boolean[] {true}, v -> dropout(v[0], p, new Rng(42)),
                d -> { // replays the same draws: one uniform float per element, kept when >= p
                    Rng r = new Rng(42);
                    double[] y = new double[d[0].length];
                    for (int i = 0; i < y.length; i++) y[i] = r.nextFloat() >= p ? d[0][i] / (1 - (double) p) : 0;
                    return y;
                }, 1).assertWithin(1e-6);
    }

    @Test
    void restoredGeneratorStateReproducesTheMask() {
        Rng rng = new Rng(7);
        Var x = Var.constant(Tensor.full(1f, 64));
        dropout(x, 0.5f, rng);
        long[] saved = rng.state();
        float[] next = dropout(x, 0.5f, rng).value().toArray();
        assertArrayEquals(next, dropout(x, 0.5f, Rng.fromState(saved)).value().toArray());
    }

    @Test
    void keepsTheExpectationAndHandlesTheEdges() {
        Var x = Var.constant(Tensor.full(1f, 20000));
        float[] y = dropout(x, 0.25f, new Rng(3)).value().toArray();
        double mean = 0;
        int zeros = 0;
        for (float v : y) {
            mean += v;
            if (v == 0) zeros++;
        }
        assertEquals(1.0, mean / y.length, 0.03);
        assertEquals(0.25, zeros / (double) y.length, 0.02);
        assertSame(x, dropout(x, 0f, new Rng(1)));
        assertArrayEquals(new float[20000], dropout(x, 1f, new Rng(1)).value().toArray());
        assertThrows(IllegalArgumentException.class, () -> dropout(x, 1.5f, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> dropout(x, Float.NaN, new Rng(1)));
    }
}
