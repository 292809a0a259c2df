package dev.recur.pararnn;

import dev.recur.ConfigException;
import dev.recur.autodiff.Backprop;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Parallel;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.loss.Mse;
import dev.recur.nn.Linear;
import dev.recur.nn.Parameter;
import dev.recur.optim.AdamW;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.recur.pararnn.ParaRnnTest.randn;
import static dev.recur.pararnn.ParaRnnTest.relErr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParaRnnLayerTest {
    private int savedThreads;

    @BeforeEach
    void moreThreads() {
        savedThreads = Parallel.threads();
        Parallel.setThreads(3);
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(savedThreads);
    }

    static SequenceLayer build(String name, int in, int hidden, Map<String, String> options, long seed) {
        return LayerRegistry.create(new LayerConfig(name, in, hidden, options), new Rng(seed));
    }

    /** Output, final state tensors, then every parameter's gradient, after a backward with fixed seeds. */
    static List<float[]> runAndGrad(ParaRnnLayer layer, Tensor x, Lengths len, LayerState init, ParaRnn.Mode mode) {
        layer.zeroGrad();
        SequenceOutput o;
        try (var on = GradMode.on()) {
            o = layer.forward(Var.constant(x), len, init, mode);
        }
        List<Var> outs = new ArrayList<>();
        outs.add(o.output());
        outs.addAll(o.state().tensors().values());
        Rng rng = new Rng(8);
        Tensor[] seeds = new Tensor[outs.size()];
        for (int i = 0; i < seeds.length; i++) seeds[i] = randn(rng, 1, outs.get(i).shape());
        Backprop.run(outs.toArray(Var[]::new), seeds);
        List<float[]> res = new ArrayList<>();
        for (Var v : outs) res.add(v.value().toArray());
        for (Parameter p : layer.parameters()) res.add(p.grad().toArray());
        return res;
    }

    @Test
    void allModesGiveTheSameOutputsStatesAndGradients() {
        for (String name : List.of("paragru", "paralstm")) {
            for (String heads : name.equals("paragru") ? List.of("1", "2") : List.of("1")) {
                ParaRnnLayer layer = (ParaRnnLayer) build(name, 3, 6, Map.of("heads", heads, "mode", "newton"), 4);
                int T = 80, B = 3;
                Tensor x = randn(new Rng(2), 1, T, B, 3);
                Lengths len = Lengths.of(80, 53, 1);
                Map<String, Tensor> s0 = new LinkedHashMap<>();
                for (String c : layer.cell().componentNames()) s0.put(c, randn(new Rng(c.hashCode()), 0.5, B, 6));
                LayerState init = LayerState.fromTensors(s0);
                List<float[]> seq = runAndGrad(layer, x, len, init, ParaRnn.Mode.SEQUENTIAL);
                for (ParaRnn.Mode mode : List.of(ParaRnn.Mode.NEWTON, ParaRnn.Mode.AUTO)) {
                    List<float[]> other = runAndGrad(layer, x, len, init, mode);
                    for (int i = 0; i < seq.size(); i++) {
                        double e = relErr(other.get(i), seq.get(i));
                        assertTrue(e < 1e-4, name + " heads=" + heads + " " + mode + ": tensor " + i + " differs by " + e);
                    }
                }
                assertTrue(layer.lastStats() != null);
            }
        }
    }

    @Test
    void steppingGivesTheSequenceOutputsAndFinalState() {
        for (String name : List.of("paragru", "paralstm")) {
            SequenceLayer layer = build(name, 2, 4, Map.of("mode", "newton"), 6);
            int T = 40, B = 2;
            Tensor x = randn(new Rng(3), 1, T, B, 2);
            SequenceOutput whole = layer.forward(Var.constant(x));
            LayerState s = layer.zeroState(B);
            for (int t = 0; t < T; t++) {
                StepOutput o = layer.step(Var.constant(x.select(0, t).contiguous()), s);
                s = o.state();
                float[] want = whole.output().value().select(0, t).contiguous().toArray();
                assertTrue(relErr(o.output().value().toArray(), want) < 1e-5, name + " step " + t);
            }
            for (var e : whole.state().toTensors().entrySet()) {
                assertTrue(relErr(s.toTensors().get(e.getKey()).toArray(), e.getValue().toArray()) < 1e-5, name + " state " + e.getKey());
            }
        }
    }

    @Test
    void newtonStatisticsAreObservableFromTheLayer() {
        ParaRnnLayer layer = (ParaRnnLayer) build("paragru", 4, 8, Map.of("mode", "newton", "max_iter", "40"), 1);
        layer.forward(Var.constant(randn(new Rng(5), 1, 512, 2, 4)));
        ParaRnn.Stats st = layer.lastStats();
        assertTrue(st.newton() && !st.fellBack() && st.iterations() >= 1 && st.residual() <= st.tolerance(), st.toString());
        ParaRnnLayer seq = (ParaRnnLayer) build("paragru", 4, 8, Map.of("mode", "sequential"), 1);
        seq.forward(Var.constant(randn(new Rng(5), 1, 512, 2, 4)));
        assertTrue(!seq.lastStats().newton());
    }

    @Test
    void badOptionsAreConfigErrors() {
        ConfigException e = assertThrows(ConfigException.class, () -> build("paragru", 2, 6, Map.of("mode", "fast"), 1));
        assertTrue(e.getMessage().contains("mode=fast"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> build("paralstm", 2, 6, Map.of("heads", "4"), 1));
        assertTrue(e.getMessage().contains("heads=4"), e.getMessage());
        assertThrows(ConfigException.class, () -> build("paragru", 2, 6, Map.of("iters", "4"), 1));
        SequenceLayer ok = build("paralstm", 2, 6, Map.of("tol", "1e-5", "max_iter", "8"), 1);
        assertEquals(List.of("c", "h"), List.copyOf(ok.zeroState(1).tensors().keySet()));
    }

    /**
     * The normal training path with mode=newton, for ParaGRU, ParaLSTM and the user-defined
     * 3 x 3-block cell: each learns a leaky running average of its input (unit-variance target).
     */
    @Test
    void cellsTrainedWithNewtonSolvesLearnARunningAverage() {
        ParaRnn.Options newton = ParaRnn.Options.DEFAULT.withMode(ParaRnn.Mode.NEWTON);
        List<ParaRnnLayer> layers = List.of(
                (ParaRnnLayer) build("paragru", 1, 16, Map.of("mode", "newton"), 3),
                (ParaRnnLayer) build("paralstm", 1, 16, Map.of("mode", "newton"), 3),
                new ParaRnnLayer("coupled", new CoupledTanhCell(16), 1, 1, newton, new Rng(3)));
        for (ParaRnnLayer rnn : layers) {
            Rng rng = new Rng(12);
            Linear readout = new Linear(16, 1, true, rng);
            Map<String, Parameter> params = new LinkedHashMap<>();
            rnn.namedParameters().forEach((k, v) -> params.put("rnn." + k, v));
            readout.namedParameters().forEach((k, v) -> params.put("out." + k, v));
            AdamW opt = new AdamW(params, 1e-2);
            int T = 32, B = 8, steps = 50;
            double first = 0, last = 0;
            int newtonSolves = 0;
            for (int it = 0; it < steps; it++) {
                Tensor x = randn(rng, 1, T, B, 1), y = Tensor.zeros(T, B, 1);
                for (int b = 0; b < B; b++) {
                    double ema = 0;
                    for (int t = 0; t < T; t++) {
                        ema = 0.8 * ema + 0.2 * x.data()[t * B + b];
                        y.data()[t * B + b] = (float) (3 * ema);
                    }
                }
                opt.zeroGrad();
                Var loss;
                try (var on = GradMode.on()) {
                    Var h = rnn.forward(Var.constant(x)).output();
                    loss = new Mse().apply(readout.forward(h), Var.constant(y), null);
                }
                loss.backward();
                opt.step();
                if (rnn.lastStats().newton() && !rnn.lastStats().fellBack()) newtonSolves++;
                double v = loss.value().item();
                if (it < 5) first += v / 5;
                if (it >= steps - 5) last += v / 5;
            }
            String name = rnn.cell().getClass().getSimpleName();
            assertEquals(steps, newtonSolves, name + ": every forward should have converged by Newton");
            assertTrue(last < 0.3 * first, name + ": loss fell from " + first + " to " + last);
        }
    }
}
