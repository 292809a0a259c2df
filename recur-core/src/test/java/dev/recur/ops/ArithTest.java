package dev.recur.ops;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.BiFunction;
import java.util.function.DoubleBinaryOperator;

import static dev.recur.testing.TestTensors.awayFromZero;
import static dev.recur.testing.TestTensors.numel;
import static dev.recur.testing.TestTensors.randn;
import static dev.recur.testing.TestTensors.unravel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ArithTest {
    private static final double TOL = 2e-5;

    /** NumPy broadcasting in float64, written independently of {@link Broadcast}. */
    static double[] broadcast(double[] a, int[] as, double[] b, int[] bs, int[] out, DoubleBinaryOperator f) {
        double[] y = new double[numel(out)];
        for (int p = 0; p < y.length; p++) {
            int[] idx = unravel(p, out);
            y[p] = f.applyAsDouble(a[flat(idx, as)], b[flat(idx, bs)]);
        }
        return y;
    }

    private static int flat(int[] outIdx, int[] shape) {
        int lead = outIdx.length - shape.length, p = 0;
        for (int i = 0; i < shape.length; i++) p = p * shape[i] + (shape[i] == 1 ? 0 : outIdx[lead + i]);
        return p;
    }

    private static void check(BiFunction<Var, Var, Var> op, DoubleBinaryOperator f, int[] as, int[] bs, int[] out, long seed, boolean divisor) {
        Rng rng = new Rng(seed);
        Tensor a = randn(rng, as), b = divisor ? awayFromZero(rng, 0.5f, bs) : randn(rng, bs);
        GradCheck.check(new Tensor[] {a, b}, new boolean[] {true, true}, v -> op.apply(v[0], v[1]),
                x -> broadcast(x[0], as, x[1], bs, out, f), seed).assertWithin(TOL);
    }

    private static void checkAllShapes(BiFunction<Var, Var, Var> op, DoubleBinaryOperator f, boolean divisor) {
        check(op, f, new int[] {3, 4}, new int[] {3, 4}, new int[] {3, 4}, 1, divisor);       // same shape
        check(op, f, new int[] {2, 3, 5}, new int[] {5}, new int[] {2, 3, 5}, 2, divisor);    // trailing vector (bias)
        check(op, f, new int[] {3, 4}, new int[] {}, new int[] {3, 4}, 3, divisor);           // scalar
        check(op, f, new int[] {}, new int[] {2, 3}, new int[] {2, 3}, 4, divisor);           // scalar on the left
        check(op, f, new int[] {2, 1, 3}, new int[] {4, 1}, new int[] {2, 4, 3}, 5, divisor); // both stretch
        check(op, f, new int[] {3, 1}, new int[] {3, 4}, new int[] {3, 4}, 6, divisor);       // column
        check(op, f, new int[] {1, 4}, new int[] {3, 1, 4}, new int[] {3, 1, 4}, 7, divisor); // leading ones
    }

    @Test
    void addMatchesReferenceWithBroadcasting() {
        checkAllShapes(Arith::add, Double::sum, false);
    }

    @Test
    void subMatchesReferenceWithBroadcasting() {
        checkAllShapes(Arith::sub, (p, q) -> p - q, false);
    }

    @Test
    void mulMatchesReferenceWithBroadcasting() {
        checkAllShapes(Arith::mul, (p, q) -> p * q, false);
    }

    @Test
    void divMatchesReferenceWithBroadcasting() {
        checkAllShapes(Arith::div, (p, q) -> p / q, true);
    }

    @Test
    void scaleNegAndAddScalar() {
        Tensor a = randn(new Rng(8), 2, 3);
        GradCheck.check(new Tensor[] {a}, new boolean[] {true}, v -> Arith.scale(v[0], 2.5f),
                x -> java.util.Arrays.stream(x[0]).map(t -> 2.5 * t).toArray(), 1).assertWithin(TOL);
        GradCheck.check(new Tensor[] {a}, new boolean[] {true}, v -> Arith.neg(v[0]),
                x -> java.util.Arrays.stream(x[0]).map(t -> -t).toArray(), 2).assertWithin(TOL);
        GradCheck.check(new Tensor[] {a}, new boolean[] {true}, v -> Arith.addScalar(v[0], -0.75f),
                x -> java.util.Arrays.stream(x[0]).map(t -> t - 0.75).toArray(), 3).assertWithin(TOL);
    }

    @Test
    void nonContiguousOperandsAreRead() {
        Rng rng = new Rng(9);
        Tensor base = randn(rng, 4, 3), b = randn(rng, 3, 4);
        // a is the transposed view of base: (3, 4) with strides (1, 3)
        GradCheck.check(new Tensor[] {base, b}, new boolean[] {true, true},
                v -> Arith.mul(Shape.transpose(v[0], 0, 1), v[1]),
                x -> {
                    double[] y = new double[12];
                    for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) y[i * 4 + j] = x[0][j * 3 + i] * x[1][i * 4 + j];
                    return y;
                }, 10).assertWithin(TOL);
        Tensor t = base.transpose(0, 1);
        Var s = Arith.add(Var.constant(t), Var.constant(Tensor.zeros(4)));
        assertArrayEquals(t.toArray(), s.value().toArray());
    }

    @Test
    void shapesThatDoNotBroadcastAreRejected() {
        Var a = Var.constant(Tensor.zeros(3, 4)), b = Var.constant(Tensor.zeros(3));
        ShapeException e = assertThrows(ShapeException.class, () -> Arith.add(a, b));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("[3, 4] and [3]"), e.getMessage());
        assertThrows(ShapeException.class, () -> Arith.mul(Var.constant(Tensor.zeros(2, 3)), Var.constant(Tensor.zeros(3, 2))));
    }
}
