package dev.recur.loss;

import dev.recur.tensor.Tensor;

/** The {@link Reduction} arithmetic shared by all losses: the result from per-item losses, and each item's backward coefficient. */
final class Reducer {
    private Reducer() {}

    /**
     * @param loss      weighted per-item losses
     * @param denom     the MEAN denominator (the sum of the counted items' weights)
     * @param itemShape the shape of the items, for NONE
     */
    static Tensor value(double[] loss, double denom, Reduction r, int[] itemShape) {
        if (r == Reduction.NONE) {
            float[] v = new float[loss.length];
            for (int i = 0; i < v.length; i++) v[i] = (float) loss[i];
            return Tensor.of(v, itemShape);
        }
        double s = 0;
        for (double l : loss) s += l;
        if (r == Reduction.MEAN) s = denom > 0 ? s / denom : 0;
        return Tensor.scalar((float) s);
    }

    /** d(result)/d(loss of item i) times the upstream gradient {@code g}. */
    static double coefficient(Tensor g, int item, double denom, Reduction r) {
        return switch (r) {
            case NONE -> g.data()[g.offset() + item];
            case SUM -> g.item();
            case MEAN -> denom > 0 ? g.item() / denom : 0;
        };
    }
}
