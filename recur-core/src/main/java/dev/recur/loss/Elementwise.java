package dev.recur.loss;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/** The machinery of the regression losses: a function of the difference {@code d = prediction - target}, weighted and reduced. */
final class Elementwise {
    private Elementwise() {}

    /** A loss of the difference and its derivative. */
    interface Fn {
        double value(double d);

        double slope(double d);
    }

    static Var apply(String name, Fn f, Reduction reduction, Var prediction, Var target, Tensor weights) {
        Tensor p = prediction.value().contiguous(), t = target.value().contiguous();
        if (!p.sameShape(t)) {
            throw new ShapeException(name + ": prediction " + Shapes.toString(p.shape()) + " and target "
                    + Shapes.toString(t.shape()) + " differ in shape");
        }
        int n = p.numel(), inner = weights == null ? 1 : innerSize(name, p.shape(), weights.shape());
        float[] w = weights == null ? null : Rows.itemWeights(name, weights, weights.numel());
        float[] ps = p.data(), ts = t.data();
        int po = p.offset(), to = t.offset();
        double[] loss = new double[n];
        double denom = 0;
        for (int i = 0; i < n; i++) {
            double wi = w == null ? 1 : w[i / inner];
            loss[i] = wi == 0 ? 0 : wi * f.value((double) ps[po + i] - ts[to + i]);
            denom += wi;
        }
        double total = denom;
        return new Node(prediction, target) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dp = gradOf(0), dt = gradOf(1);
                for (int i = 0; i < n; i++) {
                    double wi = w == null ? 1 : w[i / inner];
                    if (wi == 0) continue;
                    float v = (float) (Reducer.coefficient(g[0], i, total, reduction) * wi * f.slope((double) ps[po + i] - ts[to + i]));
                    if (dp != null) dp.data()[dp.offset() + i] += v;
                    if (dt != null) dt.data()[dt.offset() + i] -= v;
                }
            }
        }.output(Reducer.value(loss, denom, reduction, p.shape()));
    }

    /** The number of elements each weight covers: the weights' shape must be a leading part of the prediction's. */
    private static int innerSize(String name, int[] shape, int[] wShape) {
        boolean ok = wShape.length <= shape.length;
        int inner = 1;
        for (int i = 0; ok && i < shape.length; i++) {
            if (i < wShape.length) ok = wShape[i] == shape[i];
            else inner *= shape[i];
        }
        if (!ok) {
            throw new ShapeException(name + ": weights of shape " + Shapes.toString(wShape)
                    + " do not match the leading dimensions of the prediction " + Shapes.toString(shape));
        }
        return inner;
    }
}
