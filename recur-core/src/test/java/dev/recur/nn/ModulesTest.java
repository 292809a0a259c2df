package dev.recur.nn;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.kernel.scalar.ScalarMath;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;
import dev.recur.testing.ModuleCheck;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

import static dev.recur.testing.TestTensors.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModulesTest {
    private static final double TOL = 1e-4;

    /** y = x W^T + b over rows of x (rows, in); b may be null. */
    static double[] linear64(double[] x, double[] w, double[] b, int in, int out) {
        int rows = x.length / in;
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) s += x[r * in + i] * w[o * in + i];
                y[r * out + o] = s;
            }
        }
        return y;
    }

    static double[] map(double[] x, DoubleUnaryOperator f) {
        return java.util.Arrays.stream(x).map(f).toArray();
    }

    @Test
    void linearHasPyTorchLayoutNamesAndInit() {
        Linear l = new Linear(9, 4, new Rng(1));
        assertEquals(List.of("weight", "bias"), List.copyOf(l.stateDict().keySet()));
        assertArrayEquals(new int[] {4, 9}, l.weight().shape());
        assertArrayEquals(new int[] {4}, l.bias().shape());
        for (Tensor t : l.stateDict().values()) {
            for (float v : t.toArray()) assertTrue(Math.abs(v) <= 1 / 3f, "outside U(-1/sqrt(in), 1/sqrt(in)): " + v);
        }
        // the same seed gives the same weights
        assertArrayEquals(l.weight().value().toArray(), new Linear(9, 4, new Rng(1)).weight().value().toArray());
        Linear noBias = new Linear(3, 2, false, new Rng(2));
        assertNull(noBias.bias());
        assertEquals(List.of("weight"), List.copyOf(noBias.stateDict().keySet()));
        assertThrows(ConfigException.class, () -> new Linear(0, 2, new Rng(1)));
        assertTrue(ModuleCheck.check(l, randn(new Rng(3), 2, 3, 9),
                (x, p) -> linear64(x, p.get("weight"), p.get("bias"), 9, 4), 4) < TOL);
        assertThrows(ShapeException.class, () -> l.forward(Var.constant(Tensor.zeros(2, 8))));
    }

    @Test
    void sequentialChainsAndNamesChildrenByIndex() {
        Rng rng = new Rng(5);
        Sequential s = new Sequential(new Linear(3, 5, rng), new Activation(Activation.Kind.TANH), new Linear(5, 2, rng));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(s.stateDict().keySet()));
        assertEquals(3, s.size());
        double err = ModuleCheck.check(s, randn(rng, 4, 3), (x, p) -> {
            double[] h = map(linear64(x, p.get("0.weight"), p.get("0.bias"), 3, 5), Math::tanh);
            return linear64(h, p.get("2.weight"), p.get("2.bias"), 5, 2);
        }, 6);
        assertTrue(err < TOL, "error " + err);
    }

    @Test
    void residualAddsTheInputAndChecksShapes() {
        Rng rng = new Rng(7);
        Residual r = new Residual(new Linear(4, 4, rng));
        assertEquals(List.of("fn.weight", "fn.bias"), List.copyOf(r.stateDict().keySet()));
        double err = ModuleCheck.check(r, randn(rng, 3, 4), (x, p) -> {
            double[] y = linear64(x, p.get("fn.weight"), p.get("fn.bias"), 4, 4);
            for (int i = 0; i < y.length; i++) y[i] += x[i];
            return y;
        }, 8);
        assertTrue(err < TOL, "error " + err);
        Residual bad = new Residual(new Linear(4, 3, rng));
        assertThrows(ShapeException.class, () -> bad.forward(Var.constant(Tensor.zeros(2, 4))));
    }

    @Test
    void swiGluMatchesItsFormula() {
        Rng rng = new Rng(9);
        SwiGlu m = new SwiGlu(4, 6, false, rng);
        assertEquals(List.of("w1.weight", "w2.weight", "w3.weight"), List.copyOf(m.stateDict().keySet()));
        double err = ModuleCheck.check(m, randn(rng, 2, 3, 4), (x, p) -> {
            double[] a = map(linear64(x, p.get("w1.weight"), null, 4, 6), v -> v / (1 + Math.exp(-v)));
            double[] b = linear64(x, p.get("w3.weight"), null, 4, 6);
            for (int i = 0; i < a.length; i++) a[i] *= b[i];
            return linear64(a, p.get("w2.weight"), null, 6, 4);
        }, 10);
        assertTrue(err < TOL, "error " + err);
    }

    @Test
    void normModulesStartAsIdentityAffineAndCheckGradients() {
        Rng rng = new Rng(11);
        LayerNorm ln = new LayerNorm(5);
        assertEquals(List.of("weight", "bias"), List.copyOf(ln.stateDict().keySet()));
        assertArrayEquals(new float[] {1, 1, 1, 1, 1}, ln.stateDict().get("weight").toArray());
        Init.normal(ln.stateDict().get("weight"), 1, 0.5, rng); // exercise the affine gradients
        Init.normal(ln.stateDict().get("bias"), 0, 0.5, rng);
        double err = ModuleCheck.check(ln, randn(rng, 3, 5), (x, p) -> {
            double[] y = new double[x.length];
            for (int r = 0; r < 3; r++) {
                double mu = 0, var = 0;
                for (int j = 0; j < 5; j++) mu += x[r * 5 + j] / 5;
                for (int j = 0; j < 5; j++) var += (x[r * 5 + j] - mu) * (x[r * 5 + j] - mu) / 5;
                for (int j = 0; j < 5; j++) {
                    y[r * 5 + j] = (x[r * 5 + j] - mu) / Math.sqrt(var + 1e-5) * p.get("weight")[j] + p.get("bias")[j];
                }
            }
            return y;
        }, 12);
        assertTrue(err < TOL, "layer norm error " + err);

        RmsNorm rms = new RmsNorm(5);
        assertEquals(List.of("weight"), List.copyOf(rms.stateDict().keySet()));
        assertEquals(1.1920929e-7f, RmsNorm.DEFAULT_EPS);
        Init.normal(rms.stateDict().get("weight"), 1, 0.5, rng);
        err = ModuleCheck.check(rms, randn(rng, 3, 5), (x, p) -> {
            double[] y = new double[x.length];
            for (int r = 0; r < 3; r++) {
                double ss = 0;
                for (int j = 0; j < 5; j++) ss += x[r * 5 + j] * x[r * 5 + j] / 5;
                for (int j = 0; j < 5; j++) y[r * 5 + j] = x[r * 5 + j] / Math.sqrt(ss + RmsNorm.DEFAULT_EPS) * p.get("weight")[j];
            }
            return y;
        }, 13);
        assertTrue(err < TOL, "rms norm error " + err);
        assertTrue(new LayerNorm(3, 1e-5f, false, false).stateDict().isEmpty());
    }

    @Test
    void activationModulesByName() {
        Var x = Var.constant(Tensor.of(new float[] {-1f, 0.5f}, 2));
        assertEquals(Activation.Kind.GELU, Activation.Kind.parse(" GeLU "));
        assertEquals((float) (0.5 * ScalarMath.normalCdf(0.5)), new Activation(Activation.Kind.GELU).forward(x).value().get(1), 1e-7f);
        assertEquals(0f, new Activation(Activation.Kind.RELU).forward(x).value().get(0));
        assertEquals(x, new Activation(Activation.Kind.IDENTITY).forward(x));
        ConfigException e = assertThrows(ConfigException.class, () -> Activation.Kind.parse("swish2"));
        assertTrue(e.getMessage().contains("gelu"), e.getMessage());
    }

    @Test
    void embeddingLooksUpRowsAndZeroesThePaddingRow() {
        Embedding emb = new Embedding(6, 3, 0, new Rng(14));
        assertEquals(List.of("weight"), List.copyOf(emb.stateDict().keySet()));
        assertArrayEquals(new float[3], emb.weight().value().select(0, 0).toArray());
        Var y = emb.forward(new int[] {5, 0, 2, 5}, new int[] {2, 2});
        assertArrayEquals(new int[] {2, 2, 3}, y.shape());
        assertArrayEquals(emb.weight().value().select(0, 5).toArray(), y.value().select(0, 0).select(0, 0).toArray());
        assertThrows(ConfigException.class, () -> new Embedding(4, 2, 4, new Rng(1)));
    }

    @Test
    void dropoutIsIdentityInEvalAndItsGeneratorStateIsCheckpointed() {
        Rng seed = new Rng(15);
        Sequential model = new Sequential(new Dropout(0.5f, seed.split()), new Linear(8, 8, seed),
                new Residual(new Dropout(0.3f, seed.split())));
        Var x = Var.constant(Tensor.full(1f, 4, 8));
        model.forward(x); // advance the generators
        Map<String, long[]> saved = model.rngStates();
        assertEquals(List.of("0", "2.fn"), List.copyOf(saved.keySet()));
        float[] a = model.forward(x).value().toArray();
        float[] b = model.forward(x).value().toArray();
        assertTrue(!java.util.Arrays.equals(a, b), "masks should differ from call to call");
        model.loadRngStates(saved, "test");
        assertArrayEquals(a, model.forward(x).value().toArray());
        assertArrayEquals(b, model.forward(x).value().toArray());

        model.eval();
        assertArrayEquals(model.forward(x).value().toArray(), model.forward(x).value().toArray());
        assertTrue(new Dropout(0.5f, new Rng(1)).train(false).isTraining() == false);

        assertThrows(StateDictException.class, () -> model.loadRngStates(Map.of("0", saved.get("0")), "ckpt"));
        StateDictException e = assertThrows(StateDictException.class,
                () -> model.loadRngStates(Map.of("0", saved.get("0"), "2.fn", new long[] {1, 2, 3}), "ckpt"));
        assertTrue(e.getMessage().startsWith("ckpt: random generator state of '2.fn'"), e.getMessage());
        assertThrows(ConfigException.class, () -> new Dropout(1.5f, new Rng(1)));
    }
}
