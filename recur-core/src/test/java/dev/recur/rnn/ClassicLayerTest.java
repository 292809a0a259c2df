package dev.recur.rnn;

import dev.recur.ConfigException;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.ops.Reduce;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.recur.rnn.CellGradTest.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layer stack: streaming, ragged batches, truncated BPTT, dropout and configuration errors. */
class ClassicLayerTest {
    static SequenceLayer layer(String name, int in, int hidden, String... options) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < options.length; i += 2) o.put(options[i], options[i + 1]);
        return LayerRegistry.create(new LayerConfig(name, in, hidden, o), new Rng(name.hashCode()));
    }

    static LayerState randomState(SequenceLayer l, int batch, Rng rng) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        l.zeroState(batch).toTensors().forEach((k, v) -> {
            Tensor t = randn(rng, 0.5f, v.shape());
            if (k.equals("n")) CellGradTest.abs(t, 0.5f);
            m.put(k, t);
        });
        return LayerState.fromTensors(m);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"rnn_tanh, -", "rnn_relu, -", "lstm, -", "lstm, proj_size=3", "lstm, peepholes=true", "gru, -", "gru, reset=before",
            "gru, heads=3", "indrnn, -", "mgu, -", "slstm, heads=2"})
    void stepByStepEqualsTheWholeSequence(String name, String option) {
        String[] opt = option.equals("-") ? new String[] {"layers", "2"} : new String[] {"layers", "2", option.split("=")[0], option.split("=")[1]};
        SequenceLayer l = layer(name, 4, 6, opt);
        int T = 7, B = 2;
        Rng rng = new Rng(3);
        Tensor x = randn(rng, 1f, T, B, 4);
        LayerState s0 = randomState(l, B, rng);
        SequenceOutput full = l.forward(Var.constant(x), null, s0);
        LayerState s = s0;
        for (int t = 0; t < T; t++) {
            StepOutput o = l.step(Var.constant(x.select(0, t).contiguous()), s);
            assertArrayEquals(full.output().value().select(0, t).contiguous().toArray(), o.output().value().toArray(), 1e-6f, "step " + t);
            s = o.state();
        }
        for (var e : full.state().toTensors().entrySet()) {
            assertArrayEquals(e.getValue().toArray(), s.get(e.getKey()).value().toArray(), 1e-6f, "state " + e.getKey());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"lstm", "gru", "slstm", "mgu", "rnn_tanh"})
    void raggedBatchIsEachSequenceAlone(String name) {
        SequenceLayer l = layer(name, 3, 5, "layers", "2", "bidirectional", "true");
        int T = 6, B = 3;
        int[] len = {6, 3, 0};
        Rng rng = new Rng(5);
        Tensor x = randn(rng, 1f, T, B, 3);
        LayerState s0 = randomState(l, B, rng);
        SequenceOutput all = l.forward(Var.constant(x), Lengths.of(len), s0);
        for (int b = 0; b < B; b++) {
            Tensor y = all.output().value();
            for (int t = len[b]; t < T; t++) {
                for (float v : y.select(0, t).select(0, b).contiguous().toArray()) assertEquals(0f, v, "output past the length");
            }
            Map<String, Tensor> one = new LinkedHashMap<>();
            int bb = b;
            s0.toTensors().forEach((k, v) -> one.put(k, v.narrow(1, bb, 1).contiguous()));
            if (len[b] == 0) {
                for (var e : one.entrySet()) {
                    assertArrayEquals(e.getValue().toArray(), all.state().get(e.getKey()).value().narrow(1, b, 1).contiguous().toArray(), 0f);
                }
                continue;
            }
            SequenceOutput alone = l.forward(Var.constant(x.narrow(0, 0, len[b]).narrow(1, b, 1).contiguous()), null, LayerState.fromTensors(one));
            assertArrayEquals(alone.output().value().toArray(), y.narrow(0, 0, len[b]).narrow(1, b, 1).contiguous().toArray(), 1e-5f);
            for (var e : alone.state().toTensors().entrySet()) {
                assertArrayEquals(e.getValue().toArray(), all.state().get(e.getKey()).value().narrow(1, b, 1).contiguous().toArray(), 1e-5f,
                        "final " + e.getKey() + " of sequence " + b);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"lstm", "gru", "slstm", "mgu", "indrnn"})
    void scalarTwinAgreesWithTheVectorBackend(String name) {
        SequenceLayer l = layer(name, 4, 9, "layers", "2");
        Tensor x = randn(new Rng(6), 1f, 5, 3, 4);
        var before = dev.recur.kernel.Backends.active();
        float[] active, scalar;
        try {
            active = l.forward(Var.constant(x)).output().value().toArray();
            dev.recur.kernel.Backends.use(dev.recur.kernel.Backends.scalar());
            scalar = l.forward(Var.constant(x)).output().value().toArray();
        } finally {
            dev.recur.kernel.Backends.use(before);
        }
        assertArrayEquals(scalar, active, 2e-6f);
    }

    @Test
    void truncatedBackpropagationCarriesTheStateButNotTheGradient() {
        SequenceLayer l = layer("lstm", 3, 4, "layers", "2");
        Rng rng = new Rng(8);
        Tensor x = randn(rng, 1f, 8, 2, 3);
        SequenceOutput full = l.forward(Var.constant(x));
        Var x1 = Var.leaf(x.narrow(0, 0, 5).contiguous()), x2 = Var.leaf(x.narrow(0, 5, 3).contiguous());
        SequenceOutput a, b;
        try (var on = GradMode.on()) {
            a = l.forward(x1, null, null);
            b = l.forward(x2, null, a.state().detach());
            Reduce.sum(b.output()).backward();
        }
        assertArrayEquals(full.output().value().narrow(0, 5, 3).contiguous().toArray(), b.output().value().toArray(), 1e-6f);
        assertTrue(x1.grad() == null, "no gradient crosses the detached state");
        assertTrue(x2.grad() != null);
    }

    @Test
    void dropoutActsBetweenLayersInTrainingOnly() {
        SequenceLayer l = layer("gru", 3, 8, "layers", "3", "dropout", "0.5");
        SequenceLayer plain = layer("gru", 3, 8, "layers", "3");
        plain.loadStateDict(l.stateDict(), true, "test");
        Tensor x = randn(new Rng(2), 1f, 4, 2, 3);
        l.eval();
        assertArrayEquals(plain.forward(Var.constant(x)).output().value().toArray(), l.forward(Var.constant(x)).output().value().toArray(), 0f);
        l.train(true);
        assertNotEquals(java.util.Arrays.toString(plain.forward(Var.constant(x)).output().value().toArray()),
                java.util.Arrays.toString(l.forward(Var.constant(x)).output().value().toArray()));
    }

    @Test
    void bidirectionalOutputIsBothDirectionsSideBySide() {
        SequenceLayer l = layer("lstm", 3, 4, "bidirectional", "true", "proj_size", "2");
        assertEquals(4, l.outputSize());
        var y = l.forward(Var.constant(randn(new Rng(1), 1f, 5, 2, 3)));
        assertArrayEquals(new int[] {5, 2, 4}, y.output().shape());
        assertArrayEquals(new int[] {2, 2, 2}, y.state().get("h").shape());
        assertArrayEquals(new int[] {2, 2, 4}, y.state().get("c").shape());
        assertThrows(ConfigException.class, () -> l.step(Var.constant(Tensor.zeros(2, 3)), null));
    }

    @Test
    void badConfigurationsNameTheProblem() {
        var e = assertThrows(ConfigException.class, () -> layer("gru", 3, 6, "heads", "4"));
        assertTrue(e.getMessage().contains("heads=4"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> layer("gru", 3, 6, "proj_size", "2"));
        assertTrue(e.getMessage().contains("proj_size"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> layer("gru", 3, 6, "reset", "sideways"));
        assertTrue(e.getMessage().contains("reset"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> layer("lstm", 3, 6, "proj_size", "6"));
        assertTrue(e.getMessage().contains("proj_size"), e.getMessage());
    }

    @Test
    void parametersUsePyTorchNames() {
        var names = layer("lstm", 3, 4, "layers", "2", "bidirectional", "true", "proj_size", "2").namedParameters().keySet();
        assertTrue(names.contains("weight_ih_l1_reverse") && names.contains("weight_hr_l0") && names.contains("bias_hh_l1"), names.toString());
        assertEquals(20, names.size());
    }
}
