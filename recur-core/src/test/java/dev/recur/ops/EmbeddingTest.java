package dev.recur.ops;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static dev.recur.ops.Embedding.embedding;
import static dev.recur.testing.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddingTest {
    @Test
    void lookupAndScatterAddWithRepeatedIndices() {
        Tensor w = randn(new Rng(1), 5, 3);
        int[] idx = {4, 0, 4, 2, 2, 2};
        GradCheck.check(new Tensor[] {w}, new boolean[] {true}, v -> embedding(v[0], idx, new int[] {2, 3}),
                d -> {
                    double[] y = new double[18];
                    for (int i = 0; i < 6; i++) System.arraycopy(d[0], idx[i] * 3, y, i * 3, 3);
                    return y;
                }, 1).assertWithin(1e-6);
        assertArrayEquals(new int[] {2, 3, 3}, embedding(Var.constant(w), idx, new int[] {2, 3}).shape());
    }

    @Test
    void paddingRowsGetNoGradient() {
        Var w = Var.leaf(randn(new Rng(2), 4, 2));
        Var y = embedding(w, new int[] {0, 1, 0, 3}, new int[] {4}, 0);
        Reduce.sum(y).backward();
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 1, 1}, w.grad().toArray());
    }

    @Test
    void badIndicesAndShapesAreRejected() {
        Var w = Var.constant(Tensor.zeros(4, 2));
        IndexException e = assertThrows(IndexException.class, () -> embedding(w, new int[] {1, 4}, new int[] {2}));
        assertTrue(e.getMessage().contains("position 1 is 4, expected 0..3"), e.getMessage());
        assertThrows(IndexException.class, () -> embedding(w, new int[] {-1}, new int[] {1}));
        assertThrows(ShapeException.class, () -> embedding(w, new int[] {1, 2}, new int[] {3}));
        assertThrows(ShapeException.class, () -> embedding(Var.constant(Tensor.zeros(4)), new int[] {1}, new int[] {1}));
    }
}
