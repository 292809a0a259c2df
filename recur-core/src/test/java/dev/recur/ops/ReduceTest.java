package dev.recur.ops;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.recur.testing.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReduceTest {
    private static final int[] SHAPE = {2, 3, 4};

    /** Reference: reduce dimension d of a (2, 3, 4) tensor with sum (or mean) or max. */
    private static double[] alongDim(double[] x, int d, String kind) {
        int[] s = SHAPE;
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= s[i];
        for (int i = d + 1; i < 3; i++) inner *= s[i];
        double[] y = new double[outer * inner];
        for (int p = 0; p < outer; p++) {
            for (int i = 0; i < inner; i++) {
                double acc = kind.equals("max") ? Double.NEGATIVE_INFINITY : 0;
                for (int k = 0; k < s[d]; k++) {
                    double v = x[(p * s[d] + k) * inner + i];
                    acc = kind.equals("max") ? Math.max(acc, v) : acc + v;
                }
                y[p * inner + i] = kind.equals("mean") ? acc / s[d] : acc;
            }
        }
        return y;
    }

    @Test
    void sumAndMeanOfAll() {
        Tensor x = randn(new Rng(1), SHAPE);
        GradCheck.check(new Tensor[] {x}, new boolean[] {true}, v -> Reduce.sum(v[0]),
                d -> new double[] {java.util.Arrays.stream(d[0]).sum()}, 1).assertWithin(1e-6);
        GradCheck.check(new Tensor[] {x}, new boolean[] {true}, v -> Reduce.mean(v[0]),
                d -> new double[] {java.util.Arrays.stream(d[0]).average().orElseThrow()}, 2).assertWithin(1e-6);
        assertEquals(0, Reduce.sum(Var.constant(Tensor.zeros(0))).value().item());
        assertTrue(Float.isNaN(Reduce.mean(Var.constant(Tensor.zeros(0))).value().item()));
    }

    @Test
    void sumMeanAndMaxOverEachDimension() {
        Tensor x = randn(new Rng(2), SHAPE);
        for (int d = 0; d < 3; d++) {
            int dim = d;
            for (String kind : new String[] {"sum", "mean", "max"}) {
                for (boolean keep : new boolean[] {false, true}) {
                    GradCheck.check(new Tensor[] {x}, new boolean[] {true}, v -> switch (kind) {
                        case "sum" -> Reduce.sum(v[0], dim, keep);
                        case "mean" -> Reduce.mean(v[0], dim, keep);
                        default -> Reduce.max(v[0], dim, keep);
                    }, t -> alongDim(t[0], dim, kind), 3 + d).assertWithin(1e-6);
                }
            }
        }
        int[] expectKeep = {2, 1, 4}, expectDrop = {2, 4};
        assertArrayEquals(expectKeep, Reduce.sum(Var.constant(x), 1, true).shape());
        assertArrayEquals(expectDrop, Reduce.max(Var.constant(x), -2, false).shape());
    }

    @Test
    void maxSendsTheGradientToTheFirstMaximumAndPropagatesNaN() {
        Var x = Var.leaf(Tensor.of(new float[] {1, 3, 3, 2, Float.NaN, 0}, 2, 3));
        Var m = Reduce.max(x, 1, false);
        assertEquals(3f, m.value().get(0));
        assertTrue(Float.isNaN(m.value().get(1)));
        Reduce.sum(Reduce.max(Var.leaf(x.value()), 1, false)); // values only
        Var first = Reduce.max(x, 1, false);
        first.backward(Tensor.of(new float[] {1, 1}, 2));
        assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0}, x.grad().toArray());
    }

    @Test
    void badDimensionsAreRejected() {
        Var x = Var.constant(Tensor.zeros(2, 3));
        assertThrows(ShapeException.class, () -> Reduce.sum(x, 2, false));
        assertThrows(ShapeException.class, () -> Reduce.max(Var.constant(Tensor.zeros(2, 0)), 1, false));
    }
}
