package dev.recur.bench.modern;

import dev.recur.autodiff.Backprop;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerState;
import dev.recur.layer.SequenceLayer;
import dev.recur.ops.Shape;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

/**
 * The three ways the layer benchmarks ({@link AttentionBench}, {@link MambaBench}) run a
 * {@link SequenceLayer} over a (T, B, I) input: the sequence form, the sequence form with its
 * backward pass, and the step form from the zero state, as decoding runs it.
 */
final class LayerRuns {
    private LayerRuns() {}

    /** A tensor of standard normal values, drawn from {@code rng}. */
    static Tensor normal(Rng rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillNormal(t.data(), 0, t.numel(), 0f, 1f);
        return t;
    }

    static Tensor sequence(SequenceLayer layer, Tensor x) {
        try (var off = GradMode.off()) {
            return layer.forward(Var.constant(x)).output().value();
        }
    }

    /** Forward and backward with upstream gradient {@code seed}; returns the input's gradient. */
    static Tensor sequenceBackward(SequenceLayer layer, Tensor x, Tensor seed) {
        layer.zeroGrad();
        Var in = Var.leaf(x);
        Backprop.run(new Var[] {layer.forward(in).output()}, new Tensor[] {seed});
        return in.grad();
    }

    static LayerState step(SequenceLayer layer, Tensor x) {
        try (var off = GradMode.off()) {
            LayerState s = layer.zeroState(x.dim(1));
            Var xs = Var.constant(x);
            for (int t = 0; t < x.dim(0); t++) s = layer.step(Shape.select(xs, 0, t), s).state();
            return s;
        }
    }
}
