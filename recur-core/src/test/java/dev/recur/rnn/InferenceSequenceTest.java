package dev.recur.rnn;

import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerState;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.recur.rnn.CellGradTest.randn;
import static dev.recur.rnn.ClassicLayerTest.layer;
import static dev.recur.rnn.ClassicLayerTest.randomState;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A classic layer's forward with gradients off (the packed step loop of {@link FrozenLayer#sequence})
 * against the same forward with gradients on (the autodiff op): outputs and final states, for every
 * cell and form, stacked, from random initial states, at batch 1 and above (at least 16 rows, where
 * the forward takes the loop).
 */
class InferenceSequenceTest {
    static void agrees(SequenceLayer l, int T, int B) {
        Rng rng = new Rng(7 * T + B);
        Tensor x = randn(rng, 1f, T, B, l.inputSize());
        LayerState s0 = randomState(l, B, rng);
        SequenceOutput ref = l.forward(Var.constant(x), null, s0);
        SequenceOutput fast;
        try (var off = GradMode.off()) {
            fast = l.forward(Var.constant(x), null, s0);
        }
        assertFalse(fast.output().requiresGrad());
        assertArrayEquals(ref.output().value().toArray(), fast.output().value().toArray(), 1e-5f, l + " output");
        var finals = fast.state().toTensors();
        ref.state().toTensors().forEach((k, v) -> assertArrayEquals(v.toArray(), finals.get(k).toArray(), 1e-5f, l + " final " + k));
    }

    @Test
    void everyCellAndForm() {
        for (SequenceLayer l : List.of(layer("lstm", 5, 16), layer("lstm", 3, 8, "peepholes", "true"), layer("lstm", 3, 12, "proj_size", "5"),
                layer("lstm", 4, 8, "heads", "2"), layer("gru", 5, 16), layer("gru", 5, 6, "reset", "before"), layer("rnn_tanh", 3, 7),
                layer("rnn_relu", 3, 9), layer("indrnn", 3, 8), layer("indrnn", 3, 8, "nonlinearity", "tanh"), layer("mgu", 4, 6),
                layer("slstm", 4, 8, "heads", "2"), layer("slstm", 5, 8), layer("gru", 3, 8, "bias", "false"), layer("lstm", 3, 8, "bias", "false"))) {
            agrees(l, 17, 1);
            agrees(l, 5, 7);
        }
    }

    @Test
    void stacks() {
        agrees(layer("lstm", 5, 8, "layers", "3"), 6, 3);
        agrees(layer("gru", 5, 8, "layers", "2", "reset", "before"), 4, 5);
        agrees(layer("lstm", 4, 10, "layers", "2", "proj_size", "6"), 8, 2);
    }

    @Test
    void dropoutBetweenLayersStillAppliesInTrainingModeWithoutGradients() {
        SequenceLayer l = layer("lstm", 3, 8, "layers", "2", "dropout", "0.5");
        Tensor x = randn(new Rng(5), 1f, 6, 4, 3);
        float[] train;
        try (var off = GradMode.off()) {
            train = l.forward(Var.constant(x)).output().value().toArray();
            l.train(false);
            float[] eval = l.forward(Var.constant(x)).output().value().toArray();
            boolean differs = false;
            for (int i = 0; i < eval.length; i++) differs |= eval[i] != train[i];
            org.junit.jupiter.api.Assertions.assertTrue(differs, "dropout should change the training-mode output");
        } finally {
            l.train(true);
        }
    }

    @Test
    void withoutAnInitialState() {
        SequenceLayer l = layer("lstm", 3, 8, "layers", "2");
        Tensor x = randn(new Rng(2), 1f, 6, 3, 3);
        SequenceOutput ref = l.forward(Var.constant(x));
        try (var off = GradMode.off()) {
            assertArrayEquals(ref.output().value().toArray(), l.forward(Var.constant(x)).output().value().toArray(), 1e-5f);
        }
    }
}
