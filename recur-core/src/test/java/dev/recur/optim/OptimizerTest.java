package dev.recur.optim;

import dev.recur.autodiff.Var;
import dev.recur.io.FormatException;
import dev.recur.io.json.Json;
import dev.recur.nn.Parameter;
import dev.recur.ops.Arith;
import dev.recur.ops.Reduce;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerTest {
    static float[] seq(int n, double a, double b, double s) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (Math.sin(a * i + b) * s);
        return v;
    }

    /** The script's parameters: p1 (2, 3), p2 (4), p3 (3). */
    static Map<String, Parameter> params() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("p1", new Parameter(Tensor.of(seq(6, 0.7, 0.2, 1.3), 2, 3)));
        m.put("p2", new Parameter(Tensor.of(seq(4, 1.1, -0.4, 0.8), 4)));
        m.put("p3", new Parameter(Tensor.of(seq(3, 0.5, 0.0, 1.0), 3)));
        return m;
    }

    /** Sets a parameter's gradient to exactly {@code g} through a backward pass. */
    static void setGrad(Parameter p, float[] g) {
        p.zeroGrad();
        Reduce.sum(Arith.mul(p, Var.constant(Tensor.of(g, p.shape())))).backward();
    }

    /** The script's gradients for step k (p3 gets none). */
    static void grads(Map<String, Parameter> ps, int k) {
        setGrad(ps.get("p1"), seq(6, 0.9, 0.3 * k, 0.6 + 0.1 * k));
        setGrad(ps.get("p2"), seq(4, 0.4, 1.0 - 0.2 * k, 1.5 - 0.2 * k));
    }

    static float[] flat(Map<String, Parameter> ps) {
        float[] out = new float[13];
        int o = 0;
        for (Parameter p : ps.values()) {
            float[] v = p.value().toArray();
            System.arraycopy(v, 0, out, o, v.length);
            o += v.length;
        }
        return out;
    }

    private static void matchesTorch(Function<Map<String, Parameter>, Optimizer> make, float[] expected) {
        Map<String, Parameter> ps = params();
        Optimizer opt = make.apply(ps);
        for (int k = 0; k < 5; k++) {
            grads(ps, k);
            opt.step();
        }
        float[] got = flat(ps);
        for (int i = 0; i < 13; i++) {
            assertEquals(expected[i], got[i], 2e-6f * Math.max(1f, Math.abs(expected[i])), opt.type() + " element " + i);
        }
        assertNull(ps.get("p3").grad());
        assertTrue(opt.stateDict().tensors().keySet().stream().noneMatch(k -> k.startsWith("p3.")), "p3 must have no state");
    }

    @Test
    void sgdMatchesPyTorch() {
        matchesTorch(ps -> new Sgd(ps, 0.1), TorchOptimReference.SGD);
        matchesTorch(ps -> new Sgd(ps, 0.05, 0.9, 0.1, false, 0.01), TorchOptimReference.SGD_MOMENTUM);
        matchesTorch(ps -> new Sgd(ps, 0.05, 0.8, 0, true, 0.02), TorchOptimReference.SGD_NESTEROV);
    }

    @Test
    void adamMatchesPyTorch() {
        matchesTorch(ps -> new Adam(ps, 0.01), TorchOptimReference.ADAM);
        matchesTorch(ps -> new Adam(ps, 0.02, 0.8, 0.99, 1e-6, 0.1, true), TorchOptimReference.ADAM_L2_AMSGRAD);
    }

    @Test
    void adamWMatchesPyTorch() {
        matchesTorch(ps -> new AdamW(ps, 0.01, 0.9, 0.999, 1e-8, 0.1, false), TorchOptimReference.ADAMW);
        matchesTorch(ps -> new AdamW(ps, 0.03, 0.85, 0.995, 1e-7, 0.05, true), TorchOptimReference.ADAMW_AMSGRAD);
        assertEquals("adamw", new AdamW(params(), 1e-3).stateDict().type());
    }

    private static final List<Function<Map<String, Parameter>, Optimizer>> ALL = List.of(
            ps -> new Sgd(ps, 0.05, 0.9, 0.1, false, 0.01),
            ps -> new Sgd(ps, 0.05, 0.8, 0, true, 0.02),
            ps -> new Adam(ps, 0.02, 0.8, 0.99, 1e-6, 0.1, true),
            ps -> new AdamW(ps, 0.01).excludeFromWeightDecay(n -> n.equals("p2")));

    @Test
    void stateDictRoundTripContinuesTheSameTrajectoryBitForBit() {
        for (Function<Map<String, Parameter>, Optimizer> make : ALL) {
            Map<String, Parameter> a = params();
            Optimizer oa = make.apply(a);
            for (int k = 0; k < 3; k++) {
                grads(a, k);
                oa.step();
            }
            OptimizerState saved = oa.stateDict();
            // through JSON text, as a checkpoint stores the scalars
            Map<String, Object> scalars = Json.parseObject(Json.write(saved.scalars()), "test");
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            saved.tensors().forEach((k, t) -> tensors.put(k, t.copy()));

            Map<String, Parameter> b = params();
            a.forEach((n, p) -> b.get(n).value().copyFrom(p.value()));
            Optimizer ob = make.apply(b);
            ob.setLr(123); // overwritten by the state
            ob.loadStateDict(new OptimizerState(scalars, tensors), "ckpt");
            assertEquals(oa.lr(), ob.lr());
            for (int k = 3; k < 6; k++) {
                grads(a, k);
                grads(b, k);
                oa.step();
                ob.step();
            }
            assertArrayEquals(flat(a), flat(b), oa.type());
        }
    }

    @Test
    void parametersThatAreOffsetViewsAreUpdatedInPlace() {
        float[] storage = new float[10];
        java.util.Arrays.fill(storage, 7f);
        Parameter p = new Parameter(Tensor.wrap(storage, 3, 2, 2)); // elements 3..6
        p.value().copyFrom(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        setGrad(p, new float[] {1, 1, -1, 0});
        new Sgd(Map.of("w", p), 0.5).step();
        assertArrayEquals(new float[] {7, 7, 7, 0.5f, 1.5f, 3.5f, 4, 7, 7, 7}, storage);
    }

    @Test
    void excludedParametersAreNotDecayed() {
        Map<String, Parameter> ps = params();
        Optimizer opt = new AdamW(ps, 0.1, 0.9, 0.999, 1e-8, 0.5, false).excludeFromWeightDecay(n -> n.equals("p1"));
        float[] before = ps.get("p1").value().toArray();
        setGrad(ps.get("p1"), new float[6]);
        setGrad(ps.get("p2"), new float[4]);
        opt.step(); // zero gradients: only decay moves a parameter
        assertArrayEquals(before, ps.get("p1").value().toArray());
        assertEquals(seq(4, 1.1, -0.4, 0.8)[1] * 0.95f, ps.get("p2").value().get(1), 1e-7f);
        assertEquals(List.of("p1"), opt.stateDict().scalars().get("no_weight_decay"));
    }

    @Test
    void zeroGradAndLearningRate() {
        Map<String, Parameter> ps = params();
        Optimizer opt = new Sgd(ps, 0.1);
        grads(ps, 0);
        opt.zeroGrad();
        assertArrayEquals(new float[6], ps.get("p1").grad().toArray());
        opt.setLr(0.5);
        assertEquals(0.5, opt.lr());
        assertThrows(IllegalArgumentException.class, () -> opt.setLr(-1));
        assertThrows(IllegalArgumentException.class, () -> opt.setLr(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1, 0, 0, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(ps, 0.1, 1.0, 0.999, 1e-8, 0, false));
    }

    @Test
    void mismatchedStatesAreRejected() {
        Map<String, Parameter> ps = params();
        Adam adam = new Adam(ps, 0.01);
        grads(ps, 0);
        adam.step();
        OptimizerState s = adam.stateDict();
        assertThrows(FormatException.class, () -> new Sgd(params(), 0.1).loadStateDict(s, "ckpt"));
        Map<String, Parameter> other = new LinkedHashMap<>(params());
        other.remove("p2");
        FormatException e = assertThrows(FormatException.class, () -> new Adam(other, 0.01).loadStateDict(s, "ckpt"));
        assertTrue(e.getMessage().contains("p2.exp_avg"), e.getMessage());
        Map<String, Tensor> bad = new LinkedHashMap<>(s.tensors());
        bad.put("p1.exp_avg", Tensor.zeros(3, 2));
        assertThrows(FormatException.class, () -> new Adam(params(), 0.01).loadStateDict(new OptimizerState(s.scalars(), bad), "ckpt"));
        Map<String, Object> ams = new LinkedHashMap<>(s.scalars());
        ams.put("amsgrad", true);
        assertThrows(FormatException.class, () -> new Adam(params(), 0.01).loadStateDict(new OptimizerState(ams, s.tensors()), "ckpt"));
    }

    @Test
    void clipGlobalNormMatchesPyTorch() {
        Parameter a = new Parameter(Tensor.zeros(2, 3)), b = new Parameter(Tensor.zeros(4)), none = new Parameter(Tensor.zeros(2));
        setGrad(a, seq(6, 0.9, 0.0, 0.6));
        setGrad(b, seq(4, 0.4, 1.0, 1.5));
        double norm = GradClip.clipGlobalNorm(List.of(a, b, none), 0.5);
        assertEquals(TorchOptimReference.CLIP_NORM, norm, 1e-6);
        float[] got = new float[10];
        System.arraycopy(a.grad().toArray(), 0, got, 0, 6);
        System.arraycopy(b.grad().toArray(), 0, got, 6, 4);
        for (int i = 0; i < 10; i++) assertEquals(TorchOptimReference.CLIPPED[i], got[i], 1e-7f);
        assertEquals(0.5, GradClip.globalNorm(List.of(a, b)), 1e-6);
        // below the limit nothing changes
        float[] before = a.grad().toArray();
        GradClip.clipGlobalNorm(List.of(a, b), 10);
        assertArrayEquals(before, a.grad().toArray());
        // non-finite norms: propagated by default, an error on request
        a.grad().data()[0] = Float.NaN;
        assertTrue(Double.isNaN(GradClip.clipGlobalNorm(List.of(a, b), 1)));
        assertTrue(Float.isNaN(b.grad().get(0)));
        assertThrows(NonFiniteGradientException.class, () -> GradClip.clipGlobalNorm(List.of(a, b), 1, true));
        setGrad(b, new float[] {-3, 0.5f, 2, -0.1f});
        GradClip.clipValue(List.of(b), 1f);
        assertArrayEquals(new float[] {-1, 0.5f, 1, -0.1f}, b.grad().toArray());
    }

    @Test
    void schedules() {
        Schedule c = Schedule.constant(0.3);
        assertEquals(0.3, c.lr(0));
        assertEquals(0.3, c.lr(1_000_000));
        Schedule w = Schedule.warmupCosine(1.0, 4, 14, 0.1);
        assertEquals(0.25, w.lr(0), 1e-15);
        assertEquals(1.0, w.lr(3), 1e-15);
        assertEquals(1.0, w.lr(4), 1e-15);
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.3)), w.lr(7), 1e-15);
        assertEquals(0.55, w.lr(9), 1e-12);
        assertEquals(0.1, w.lr(14), 1e-15);
        assertEquals(0.1, w.lr(100), 1e-15);
        Schedule noWarmup = Schedule.warmupCosine(2.0, 0, 10, 0);
        assertEquals(2.0, noWarmup.lr(0), 1e-15);
        assertEquals(1.0, noWarmup.lr(5), 1e-12);
        Schedule s = Schedule.stepDecay(0.1, 3, 0.5);
        assertEquals(0.1, s.lr(2));
        assertEquals(0.05, s.lr(3));
        assertEquals(0.025, s.lr(8), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Schedule.warmupCosine(1, 10, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> Schedule.stepDecay(0.1, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> Schedule.constant(Double.NaN));
    }
}
