package dev.recur.ops;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static dev.recur.testing.TestTensors.numel;
import static dev.recur.testing.TestTensors.randn;
import static dev.recur.testing.TestTensors.strides;
import static dev.recur.testing.TestTensors.unravel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShapeTest {
    private static final double TOL = 1e-6;

    /** Reference for a gather-like shape op: output element p reads input element index(p). */
    private static Function<double[][], double[]> gather(int[] outShape, Function<int[], Integer> source) {
        return x -> {
            double[] y = new double[numel(outShape)];
            for (int p = 0; p < y.length; p++) y[p] = x[0][source.apply(unravel(p, outShape))];
            return y;
        };
    }

    private static int flat(int[] idx, int[] shape) {
        int[] st = strides(shape);
        int p = 0;
        for (int i = 0; i < idx.length; i++) p += idx[i] * st[i];
        return p;
    }

    private static void check(Tensor x, Function<Var, Var> op, int[] outShape, Function<int[], Integer> source) {
        GradCheck.check(new Tensor[] {x}, new boolean[] {true}, v -> op.apply(v[0]), gather(outShape, source), 3).assertWithin(TOL);
    }

    @Test
    void reshapeIsAViewAndRoutesGradients() {
        Tensor x = randn(new Rng(1), 2, 3, 4);
        int[] in = {2, 3, 4};
        check(x, v -> Shape.reshape(v, 4, -1), new int[] {4, 6}, idx -> idx[0] * 6 + idx[1]);
        Var c = Var.constant(x);
        assertSame(x.data(), Shape.reshape(c, 6, 4).value().data());
        // reshape of a strided view copies first
        check(x, v -> Shape.reshape(Shape.transpose(v, 0, 2), 4, 6), new int[] {4, 6}, idx -> {
            int p = idx[0] * 6 + idx[1]; // position in the (4, 3, 2) transposed tensor
            int[] t = unravel(p, 4, 3, 2);
            return flat(new int[] {t[2], t[1], t[0]}, in);
        });
        assertThrows(ShapeException.class, () -> Shape.reshape(c, 5, -1));
    }

    @Test
    void transposeAndPermute() {
        Tensor x = randn(new Rng(2), 2, 3, 4);
        int[] in = {2, 3, 4};
        check(x, v -> Shape.transpose(v, 0, 2), new int[] {4, 3, 2}, idx -> flat(new int[] {idx[2], idx[1], idx[0]}, in));
        check(x, v -> Shape.permute(v, 1, 2, 0), new int[] {3, 4, 2}, idx -> flat(new int[] {idx[2], idx[0], idx[1]}, in));
        assertThrows(ShapeException.class, () -> Shape.permute(Var.constant(x), 0, 0, 1));
        assertThrows(ShapeException.class, () -> Shape.transpose(Var.constant(x), 0, 3));
    }

    @Test
    void narrowSelectAndSplit() {
        Tensor x = randn(new Rng(3), 3, 5);
        int[] in = {3, 5};
        check(x, v -> Shape.narrow(v, 1, 1, 3), new int[] {3, 3}, idx -> flat(new int[] {idx[0], idx[1] + 1}, in));
        check(x, v -> Shape.select(v, 0, 2), new int[] {5}, idx -> flat(new int[] {2, idx[0]}, in));
        check(x, v -> Shape.select(v, -1, 4), new int[] {3}, idx -> flat(new int[] {idx[0], 4}, in));
        // split: both pieces flow back into one input
        GradCheck.checkAll(new Tensor[] {x}, new boolean[] {true}, v -> Shape.split(v[0], 1, 2, 3),
                d -> new double[][] {gather(new int[] {3, 2}, idx -> flat(idx, in)).apply(d),
                        gather(new int[] {3, 3}, idx -> flat(new int[] {idx[0], idx[1] + 2}, in)).apply(d)}, 4).assertWithin(TOL);
        assertThrows(ShapeException.class, () -> Shape.split(Var.constant(x), 1, 2, 2));
        assertThrows(ShapeException.class, () -> Shape.narrow(Var.constant(x), 1, 3, 3));
        assertThrows(ShapeException.class, () -> Shape.select(Var.constant(x), 0, 3));
    }

    @Test
    void squeezeAndUnsqueeze() {
        Tensor x = randn(new Rng(4), 3, 1, 2);
        check(x, v -> Shape.squeeze(v, 1), new int[] {3, 2}, idx -> idx[0] * 2 + idx[1]);
        check(x, v -> Shape.unsqueeze(v, 3), new int[] {3, 1, 2, 1}, idx -> idx[0] * 2 + idx[2]);
        assertThrows(ShapeException.class, () -> Shape.squeeze(Var.constant(x), 0));
    }

    @Test
    void concatJoinsAlongAnyDimension() {
        Rng rng = new Rng(5);
        Tensor a = randn(rng, 2, 3), b = randn(rng, 2, 1), c = randn(rng, 2, 2);
        GradCheck.check(new Tensor[] {a, b, c}, new boolean[] {true, false, true}, v -> Shape.concat(1, v[0], v[1], v[2]),
                d -> {
                    double[] y = new double[12];
                    for (int r = 0; r < 2; r++) {
                        for (int j = 0; j < 6; j++) {
                            y[r * 6 + j] = j < 3 ? d[0][r * 3 + j] : j < 4 ? d[1][r] : d[2][r * 2 + j - 4];
                        }
                    }
                    return y;
                }, 5).assertWithin(TOL);
        Tensor p = randn(rng, 1, 3), q = randn(rng, 2, 3);
        GradCheck.check(new Tensor[] {p, q}, new boolean[] {true, true}, v -> Shape.concat(0, v[0], v[1]),
                d -> {
                    double[] y = new double[9];
                    System.arraycopy(d[0], 0, y, 0, 3);
                    System.arraycopy(d[1], 0, y, 3, 6);
                    return y;
                }, 6).assertWithin(TOL);
        assertThrows(ShapeException.class, () -> Shape.concat(1, Var.constant(a), Var.constant(q.view(3, 2))));
        assertThrows(ShapeException.class, () -> Shape.concat(0, Var.constant(a), Var.constant(Tensor.zeros(2, 3, 1))));
    }

    @Test
    void stackInsertsANewDimension() {
        Rng rng = new Rng(6);
        Tensor a = randn(rng, 2, 3), b = randn(rng, 2, 3);
        for (int d = 0; d <= 2; d++) {
            int dim = d;
            int[] out = d == 0 ? new int[] {2, 2, 3} : d == 1 ? new int[] {2, 2, 3} : new int[] {2, 3, 2};
            GradCheck.check(new Tensor[] {a, b}, new boolean[] {true, true}, v -> Shape.stack(dim, v[0], v[1]),
                    x -> {
                        double[] y = new double[12];
                        for (int p = 0; p < 12; p++) {
                            int[] idx = unravel(p, out);
                            int which = idx[dim];
                            int[] rest = new int[2];
                            for (int i = 0, j = 0; i < 3; i++) if (i != dim) rest[j++] = idx[i];
                            y[p] = x[which][rest[0] * 3 + rest[1]];
                        }
                        return y;
                    }, 7).assertWithin(TOL);
        }
        assertThrows(ShapeException.class, () -> Shape.stack(0, Var.constant(a), Var.constant(Tensor.zeros(3, 2))));
    }

    @Test
    void timeAndBatchMajorAreInverse() {
        Tensor x = randn(new Rng(7), 4, 2, 3); // (T, B, F)
        Var bm = Shape.batchMajor(Var.constant(x));
        assertArrayEquals(new int[] {2, 4, 3}, bm.shape());
        org.junit.jupiter.api.Assertions.assertEquals(x.get(3, 1, 2), bm.value().get(1, 3, 2));
        org.junit.jupiter.api.Assertions.assertTrue(bm.value().isContiguous());
        assertArrayEquals(x.toArray(), Shape.timeMajor(bm).value().toArray());
        check(x, Shape::batchMajor, new int[] {2, 4, 3}, idx -> flat(new int[] {idx[1], idx[0], idx[2]}, new int[] {4, 2, 3}));
        assertThrows(ShapeException.class, () -> Shape.timeMajor(Var.constant(Tensor.zeros(3))));
    }
}
