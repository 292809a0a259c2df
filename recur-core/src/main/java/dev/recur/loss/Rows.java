package dev.recur.loss;

import dev.recur.ops.IndexException;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

import java.util.Arrays;

/** Validated scores seen as (rows, classes), with the row targets and weights, for the classification losses. */
final class Rows {
    final Tensor scores; // contiguous
    final int rows, classes;
    final int[] targets, itemShape;
    final float[] weights; // one per row, or null

    private Rows(Tensor scores, int rows, int classes, int[] targets, int[] itemShape, float[] weights) {
        this.scores = scores;
        this.rows = rows;
        this.classes = classes;
        this.targets = targets;
        this.itemShape = itemShape;
        this.weights = weights;
    }

    static Rows of(String loss, Tensor scores, int[] targets, Tensor weights, int ignoreIndex) {
        Tensor s = scores.contiguous();
        if (s.rank() < 1 || s.dim(-1) < 1) {
            throw new ShapeException(loss + ": scores must have a class dimension last, found shape " + Shapes.toString(s.shape()));
        }
        int classes = s.dim(-1), rows = s.numel() / classes;
        int[] itemShape = Arrays.copyOf(s.shape(), s.rank() - 1);
        if (targets.length != rows) {
            throw new ShapeException(loss + ": " + targets.length + " targets for " + rows + " rows of scores "
                    + Shapes.toString(s.shape()));
        }
        for (int r = 0; r < rows; r++) {
            if (targets[r] != ignoreIndex) IndexException.check(loss + " target", r, targets[r], classes);
        }
        return new Rows(s, rows, classes, targets.clone(), itemShape, weights == null ? null : itemWeights(loss, weights, rows));
    }

    /** The weight of row r (1 without weights). */
    float weight(int r) {
        return weights == null ? 1f : weights[r];
    }

    /** Validated non-negative finite weights, one per item. */
    static float[] itemWeights(String loss, Tensor weights, int items) {
        if (weights.numel() != items) {
            throw new ShapeException(loss + ": " + weights.numel() + " weights (shape " + Shapes.toString(weights.shape())
                    + ") for " + items + " items");
        }
        float[] w = weights.toArray();
        for (int i = 0; i < w.length; i++) {
            if (!(w[i] >= 0f) || Float.isInfinite(w[i])) {
                throw new IllegalArgumentException(loss + ": weight " + i + " is " + w[i] + ", expected a finite value >= 0");
            }
        }
        return w;
    }
}
