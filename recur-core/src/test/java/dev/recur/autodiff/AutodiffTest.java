package dev.recur.autodiff;

import dev.recur.ops.Arith;
import dev.recur.ops.MatMul;
import dev.recur.ops.Reduce;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AutodiffTest {
    static Tensor randn(Rng rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillNormal(t.data(), 0, t.numel(), 0f, 1f);
        return t;
    }

    @Test
    void sharedInputsAccumulateGradients() {
        // y = sum(x * x + x): dy/dx = 2x + 1, through two paths into the same leaf
        Var x = Var.leaf(Tensor.of(new float[] {1, -2, 3}, 3));
        Var y = Reduce.sum(Arith.add(Arith.mul(x, x), x));
        y.backward();
        assertArrayEquals(new float[] {3, -3, 7}, x.grad().toArray());
        y.backward(); // leaves accumulate across passes, as parameters do
        assertArrayEquals(new float[] {6, -6, 14}, x.grad().toArray());
    }

    @Test
    void noGradModeRecordsNothing() {
        Var x = Var.leaf(Tensor.of(new float[] {1, 2}, 2));
        Var y;
        try (var off = GradMode.off()) {
            y = Reduce.sum(Arith.mul(x, x));
        }
        assertFalse(y.requiresGrad());
        assertThrows(IllegalStateException.class, y::backward);
        assertNull(x.grad());
    }

    @Test
    void intermediateGradientsAreDroppedUnlessRetained() {
        Var x = Var.leaf(Tensor.of(new float[] {1, 2}, 2));
        Var h = Arith.mul(x, x);
        Var kept = Arith.add(h, x).retainGrad();
        Reduce.sum(kept).backward();
        assertNull(h.grad());
        assertArrayEquals(new float[] {1, 1}, kept.grad().toArray());
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        Var x = Var.leaf(Tensor.of(new float[] {1f}, 1));
        Var y = x;
        for (int i = 0; i < 100_000; i++) y = Arith.add(y, Var.constant(Tensor.of(new float[] {0f}, 1)));
        Reduce.sum(y).backward();
        assertEquals(1f, x.grad().item());
    }

    @Test
    void matmulGradientsMatchFiniteDifferences() {
        Rng rng = new Rng(1);
        Tensor a = randn(rng, 2, 3, 5), b = randn(rng, 5, 4);
        GradCheck.check(new Tensor[] {a, b}, new boolean[] {true, true},
                v -> MatMul.matmul(v[0], v[1]),
                x -> {
                    double[] y = new double[6 * 4];
                    for (int r = 0; r < 6; r++)
                        for (int j = 0; j < 4; j++)
                            for (int p = 0; p < 5; p++) y[r * 4 + j] += x[0][r * 5 + p] * x[1][p * 4 + j];
                    return y;
                }, 7).assertWithin(1e-5);
    }

    @Test
    void linearGradientsMatchFiniteDifferences() {
        Rng rng = new Rng(2);
        Tensor x = randn(rng, 7, 3), w = randn(rng, 4, 3), b = randn(rng, 4);
        GradCheck.check(new Tensor[] {x, w, b}, new boolean[] {true, true, true},
                v -> MatMul.linear(v[0], v[1], v[2]),
                d -> {
                    double[] y = new double[7 * 4];
                    for (int r = 0; r < 7; r++)
                        for (int o = 0; o < 4; o++) {
                            double s = d[2][o];
                            for (int i = 0; i < 3; i++) s += d[0][r * 3 + i] * d[1][o * 3 + i];
                            y[r * 4 + o] = s;
                        }
                    return y;
                }, 8).assertWithin(1e-5);
    }

    @Test
    void gradCheckCatchesAWrongBackward() {
        Tensor x = Tensor.of(new float[] {0.5f, -1f, 2f}, 3);
        GradCheck.Result r = GradCheck.check(new Tensor[] {x}, new boolean[] {true},
                v -> new Node(v[0]) { // forward x^2 with a backward that forgets the factor 2
                    @Override
                    protected void backward(Tensor[] g) {
                        Tensor d = gradOf(0);
                        for (int i = 0; i < 3; i++) d.data()[i] += g[0].data()[i] * v[0].value().data()[i];
                    }
                }.output(Tensor.of(new float[] {0.25f, 1f, 4f}, 3)),
                d -> new double[] {d[0][0] * d[0][0], d[0][1] * d[0][1], d[0][2] * d[0][2]}, 3);
        assertThrows(AssertionError.class, () -> r.assertWithin(1e-3));
    }
}
