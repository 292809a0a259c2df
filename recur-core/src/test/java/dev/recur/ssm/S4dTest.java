package dev.recur.ssm;

import dev.recur.ConfigException;
import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.kernel.scalar.ScalarMath;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.recur.ssm.LayerChecks.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S4dTest {
    static final List<String> STATE = List.of("x_re", "x_im");

    static S4d layer(int in, int h, int state, S4d.InitKind init, Discretization rule, S4d.Mode mode, long seed) {
        return new S4d(in, h, state, init, rule, mode, 1e-3, 1e-1, new Rng(seed));
    }

    /**
     * The whole layer in float64: in_proj, the SSM by its recurrence, GELU, out_proj, GLU, mask.
     * Inputs: x (T,B,I), in_proj (H,I) [only when I != H], the 8 SSM parameters, out W (2H,H),
     * out b (2H), x0 re/im (B,M,H). Outputs: y (T,B,H), state re/im.
     */
    static double[][] reference(double[][] in, int T, int B, int I, int H, int M, int[] len, boolean bilinear) {
        int k = 0;
        double[] x = in[k++];
        double[] u = x;
        if (I != H) {
            double[] w = in[k++];
            u = new double[T * B * H];
            for (int r = 0; r < T * B; r++) for (int h = 0; h < H; h++) for (int i = 0; i < I; i++) u[r * H + h] += w[h * I + i] * x[r * I + i];
        }
        double[][] ssmIn = new double[11][];
        ssmIn[0] = u;
        for (int j = 1; j <= 8; j++) ssmIn[j] = in[k++];
        double[] ow = in[k++], ob = in[k++];
        ssmIn[9] = in[k++];
        ssmIn[10] = in[k];
        double[][] s = DiagonalSsmReference.run(ssmIn, T, B, H, M, len, bilinear);
        double[] y = new double[T * B * H];
        for (int r = 0; r < T * B; r++) {
            int t = r / B, b = r % B;
            if (len != null && t >= len[b]) continue;
            double[] g = new double[H];
            for (int h = 0; h < H; h++) {
                double v = s[0][r * H + h];
                g[h] = v * ScalarMath.normalCdf(v);
            }
            for (int h = 0; h < H; h++) {
                double a = ob[h], c = ob[H + h];
                for (int j = 0; j < H; j++) {
                    a += ow[h * H + j] * g[j];
                    c += ow[(H + h) * H + j] * g[j];
                }
                y[r * H + h] = a * ScalarMath.sigmoid(c);
            }
        }
        return new double[][] {y, s[1], s[2]};
    }

    static void gradCheck(int I, DiagonalSsm.Form form, Discretization rule, S4d.InitKind init, long seed) {
        gradCheck(I, form, rule, init, true, seed);
    }

    static void gradCheck(int I, DiagonalSsm.Form form, Discretization rule, S4d.InitKind init, boolean withState, long seed) {
        int T = 6, B = 2, H = 3, N = 4, M = 2;
        int[] len = {6, 4};
        S4d layer = layer(I, H, N, init, rule, S4d.Mode.AUTO, seed);
        Rng rng = new Rng(seed + 100);
        List<Tensor> in = new java.util.ArrayList<>();
        in.add(randn(rng, 1, T, B, I));
        S4d.Weights w = layer.weights();
        if (w.inProj() != null) in.add(w.inProj().value());
        DiagonalSsm.Params p = w.ssm();
        for (Var v : new Var[] {p.logDt(), p.logAReal(), p.aImag(), p.bRe(), p.bIm(), p.cRe(), p.cIm(), p.d(), w.outWeight(), w.outBias()}) {
            in.add(v.value());
        }
        in.add(withState ? randn(rng, 1, B, M, H) : Tensor.zeros(B, M, H));
        in.add(withState ? randn(rng, 1, B, M, H) : Tensor.zeros(B, M, H));
        Tensor[] inputs = in.toArray(new Tensor[0]);
        boolean[] diff = new boolean[inputs.length];
        java.util.Arrays.fill(diff, true);
        diff[inputs.length - 1] = diff[inputs.length - 2] = withState;
        boolean proj = I != H;
        GradCheck.Result r = GradCheck.checkAll(inputs, diff, v -> {
            int k = 1;
            Var inProj = proj ? v[k++] : null;
            DiagonalSsm.Params ps = new DiagonalSsm.Params(v[k], v[k + 1], v[k + 2], v[k + 3], v[k + 4], v[k + 5], v[k + 6], v[k + 7]);
            k += 8;
            S4d.Weights ws = new S4d.Weights(inProj, ps, v[k], v[k + 1]);
            LayerState s0 = withState ? new LayerState(Map.of("x_re", v[k + 2], "x_im", v[k + 3])) : null;
            var o = layer.forward(ws, v[0], Lengths.of(len), s0, form);
            return new Var[] {o.output(), o.state().get("x_re"), o.state().get("x_im")};
        }, x -> reference(x, T, B, I, H, M, len, rule == Discretization.BILINEAR), seed + 7);
        try {
            r.assertWithin(1e-4);
        } catch (AssertionError e) {
            throw new AssertionError(form + " " + rule + " " + init + " I=" + I + ": " + e.getMessage(), e);
        }
    }

    @Test
    void layerMatchesTheFloat64ReferenceInBothFormsAllInitsAndRules() {
        long seed = 1;
        for (DiagonalSsm.Form form : DiagonalSsm.Form.values()) {
            for (Discretization rule : Discretization.values()) {
                for (S4d.InitKind init : S4d.InitKind.values()) gradCheck(3, form, rule, init, seed++);
            }
            gradCheck(5, form, Discretization.ZOH, S4d.InitKind.LIN, seed++); // with an input projection
            gradCheck(3, form, Discretization.BILINEAR, S4d.InitKind.LIN, false, seed++); // from the zero state
        }
    }

    @Test
    void stepFormMatchesBothSequenceForms() {
        Rng rng = new Rng(20);
        for (S4d.Mode mode : new S4d.Mode[] {S4d.Mode.RECURRENT, S4d.Mode.CONVOLUTION}) {
            S4d layer = layer(5, 6, 8, S4d.InitKind.LEGS, Discretization.BILINEAR, mode, 21);
            LayerState s0 = LayerChecks.randomState(layer, 3, rng, 0.5);
            LayerChecks.stepMatchesForward(layer, randn(rng, 1, 11, 3, 5), s0, STATE, 22, 1e-4);
        }
    }

    @Test
    void variableLengthsMatchAPerSequenceLoop() {
        Rng rng = new Rng(30);
        for (S4d.Mode mode : new S4d.Mode[] {S4d.Mode.RECURRENT, S4d.Mode.CONVOLUTION}) {
            S4d layer = layer(4, 4, 6, S4d.InitKind.LIN, Discretization.ZOH, mode, 31);
            LayerChecks.lengthsMatchPerSequence(layer, randn(rng, 1, 13, 3, 4), new int[] {13, 5, 1},
                    LayerChecks.randomState(layer, 3, rng, 0.5), STATE, 32, 1e-4);
        }
    }

    @Test
    void stateSerializesAndRestoresWithIdenticalContinuation() {
        Rng rng = new Rng(40);
        for (S4d.Mode mode : new S4d.Mode[] {S4d.Mode.RECURRENT, S4d.Mode.CONVOLUTION}) {
            S4d layer = layer(4, 4, 8, S4d.InitKind.REAL, Discretization.ZOH, mode, 41);
            LayerChecks.stateRestoresExactly(layer, randn(rng, 1, 9, 2, 4), randn(rng, 1, 7, 2, 4), 1e-4);
        }
    }

    @Test
    void cachedDiscretisationFollowsParameterUpdates() {
        // The layer reuses its discretisation between calls; an in-place parameter update (as an optimizer
        // makes) must be seen at once.
        Rng rng = new Rng(50);
        S4d layer = layer(3, 3, 4, S4d.InitKind.LIN, Discretization.ZOH, S4d.Mode.RECURRENT, 51);
        Tensor x = randn(rng, 1, 5, 2, 3);
        try (var off = dev.recur.autodiff.GradMode.off()) {
            float[] first = layer.forward(Var.constant(x)).output().value().toArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(first, layer.forward(Var.constant(x)).output().value().toArray());
            Tensor logDt = layer.namedParameters().get("log_dt").value();
            logDt.data()[logDt.offset() + 1] += 0.5f;
            float[] second = layer.forward(Var.constant(x)).output().value().toArray();
            S4d fresh = layer(3, 3, 4, S4d.InitKind.LIN, Discretization.ZOH, S4d.Mode.RECURRENT, 51);
            fresh.loadStateDict(layer.stateDict(), true, "test");
            org.junit.jupiter.api.Assertions.assertArrayEquals(fresh.forward(Var.constant(x)).output().value().toArray(), second);
            assertTrue(!java.util.Arrays.equals(first, second));
        }
    }

    @Test
    void registeredAsS4dAndLsslWithTheirDefaults() {
        SequenceLayer s4d = LayerRegistry.create(new LayerConfig("s4d", 8, 16, Map.of("state", "8")), new Rng(1));
        assertEquals(16, s4d.outputSize());
        assertEquals(List.of("log_dt", "log_a_real", "a_imag", "b_re", "b_im", "c_re", "c_im", "d", "in_proj.weight",
                "out_proj.weight", "out_proj.bias").stream().sorted().toList(),
                s4d.namedParameters().keySet().stream().sorted().toList());
        // lssl starts from the diagonalised HiPPO-LegS system: real parts -1/2, increasing frequencies.
        S4d lssl = (S4d) LayerRegistry.create(new LayerConfig("lssl", 16, 16, Map.of("state", "16")), new Rng(1));
        Tensor aim = lssl.namedParameters().get("a_imag").value();
        assertTrue(aim.get(0, 1) > aim.get(0, 0));
        assertEquals(Math.log(0.5), lssl.namedParameters().get("log_a_real").value().get(3, 2), 1e-6);
        assertThrows(ConfigException.class,
                () -> LayerRegistry.create(new LayerConfig("s4d", 4, 4, Map.of("state", "7")), new Rng(1)));
        assertThrows(ConfigException.class,
                () -> LayerRegistry.create(new LayerConfig("s4d", 4, 4, Map.of("init", "hippo")), new Rng(1)));
        assertThrows(ConfigException.class,
                () -> LayerRegistry.create(new LayerConfig("s4d", 4, 4, Map.of("heads", "2")), new Rng(1)));
    }
}
