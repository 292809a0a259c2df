package dev.recur.attention;

import dev.recur.ConfigException;
import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.random.Rng;
import dev.recur.ssm.LayerChecks;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.recur.ssm.LayerChecks.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AttentionTest {
    static final List<String> STATE = List.of("k", "v");

    /** A state with a random cache that has seen the given number of positions. */
    static LayerState cache(int B, int heads, int slots, int dh, int[] seen, Rng rng) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("k", randn(rng, 1, B, heads, slots, dh));
        m.put("v", randn(rng, 1, B, heads, slots, dh));
        float[] p = new float[B];
        for (int b = 0; b < B; b++) p[b] = seen[b];
        m.put("pos", Tensor.of(p, B));
        return LayerState.fromTensors(m);
    }

    static void check(int window, boolean rope, int T, int B, int I, int D, int heads, int slots, int[] seen, int[] len, long seed) {
        SelfAttention layer = new SelfAttention(I, D, heads, window, rope, 10000, new Rng(seed));
        Rng rng = new Rng(seed + 1);
        SelfAttention.Weights w = layer.weights();
        LayerState s0 = cache(B, heads, slots, D / heads, seen, rng);
        Tensor[] inputs = {randn(rng, 1, T, B, I), w.q().value(), w.k().value(), w.v().value(), w.o().value(),
                s0.get("k").value(), s0.get("v").value()};
        boolean[] diff = new boolean[inputs.length];
        java.util.Arrays.fill(diff, true);
        AttentionReference.Setup setup = new AttentionReference.Setup(T, B, I, D, heads, window, rope, 10000, slots, seen, len);
        GradCheck.Result r = GradCheck.checkAll(inputs, diff, v -> {
            Map<String, Var> st = new LinkedHashMap<>();
            st.put("k", v[5]);
            st.put("v", v[6]);
            st.put("pos", s0.get("pos"));
            var o = layer.forward(new SelfAttention.Weights(v[1], v[2], v[3], v[4]), v[0], len == null ? null : Lengths.of(len),
                    new LayerState(st));
            return new Var[] {o.output(), o.state().get("k"), o.state().get("v")};
        }, x -> AttentionReference.run(x, setup), seed + 2);
        try {
            r.assertWithin(1e-4);
        } catch (AssertionError e) {
            throw new AssertionError("window=" + window + " rope=" + rope + " T=" + T + ": " + e.getMessage(), e);
        }
    }

    @Test
    void fullAttentionMatchesTheReferenceWithACacheAndLengths() {
        check(0, true, 5, 2, 3, 4, 2, 4, new int[] {3, 0}, new int[] {5, 2}, 1);
        check(0, false, 4, 2, 4, 4, 1, 2, new int[] {2, 1}, null, 2);
    }

    @Test
    void withoutACacheTheLayerMatchesTheReference() {
        int T = 6, B = 2, I = 3, D = 4;
        for (int window : new int[] {0, 2}) {
            SelfAttention layer = new SelfAttention(I, D, 2, window, true, 10000, new Rng(7));
            SelfAttention.Weights w = layer.weights();
            Rng rng = new Rng(8);
            Tensor[] inputs = {randn(rng, 1, T, B, I), w.q().value(), w.k().value(), w.v().value(), w.o().value()};
            AttentionReference.Setup setup = new AttentionReference.Setup(T, B, I, D, 2, window, true, 10000, 0, new int[B], new int[] {6, 4});
            GradCheck.checkAll(inputs, new boolean[] {true, true, true, true, true}, v -> {
                var o = layer.forward(new SelfAttention.Weights(v[1], v[2], v[3], v[4]), v[0], Lengths.of(6, 4), null);
                return new Var[] {o.output(), o.state().get("k"), o.state().get("v")};
            }, x -> AttentionReference.run(x, setup), 9).assertWithin(1e-4);
        }
    }

    @Test
    void slidingWindowMatchesTheReferenceWithARingThatWrapped() {
        // seen = 5 with W = 3: the ring holds positions 2, 3, 4 in slots 2, 0, 1.
        check(3, true, 5, 2, 3, 4, 2, 3, new int[] {5, 1}, new int[] {5, 3}, 3);
        check(1, true, 4, 1, 2, 2, 1, 1, new int[] {2}, null, 4); // a window of one: each query sees itself
    }

    @Test
    void queryBlocksBeyondTheFirstMatchTheReference() {
        // 70 queries: two blocks of the blocked softmax, with and without a window.
        check(0, true, 70, 1, 2, 4, 2, 0, new int[] {0}, null, 5);
        check(20, true, 70, 1, 2, 4, 2, 20, new int[] {0}, null, 6);
    }

    @Test
    void stepFormMatchesTheBlockedForm() {
        Rng rng = new Rng(10);
        for (int window : new int[] {0, 4}) {
            SelfAttention layer = new SelfAttention(5, 8, 2, window, true, 10000, new Rng(11));
            LayerState s0 = cache(2, 2, window == 0 ? 3 : window, 4, new int[] {3, 1}, rng);
            LayerChecks.stepMatchesForward(layer, randn(rng, 1, 9, 2, 5), s0, STATE, 12, 1e-4);
        }
    }

    @Test
    void variableLengthsMatchAPerSequenceLoop() {
        Rng rng = new Rng(20);
        for (int window : new int[] {0, 3}) {
            SelfAttention layer = new SelfAttention(4, 4, 2, window, true, 10000, new Rng(21));
            LayerState s0 = cache(3, 2, window == 0 ? 2 : window, 2, new int[] {2, 0, 1}, rng);
            LayerChecks.lengthsMatchPerSequence(layer, randn(rng, 1, 7, 3, 4), new int[] {7, 4, 1}, s0, STATE, 22, 1e-4);
        }
    }

    @Test
    void stateSerializesAndRestoresWithIdenticalContinuation() {
        Rng rng = new Rng(30);
        for (int window : new int[] {0, 4}) {
            SelfAttention layer = new SelfAttention(4, 8, 2, window, true, 10000, new Rng(31));
            LayerChecks.stateRestoresExactly(layer, randn(rng, 1, 6, 2, 4), randn(rng, 1, 5, 2, 4), 1e-4);
        }
    }

    @Test
    void registeredWithDefaultsAndValidatedOptions() {
        SelfAttention a = (SelfAttention) LayerRegistry.create(new LayerConfig("attention", 16, 128), new Rng(1));
        assertEquals(2, a.heads());
        assertEquals(0, a.window());
        SelfAttention s = (SelfAttention) LayerRegistry.create(new LayerConfig("swa", 16, 48, Map.of("window", "8")), new Rng(1));
        assertEquals(1, s.heads());
        assertEquals(8, s.window());
        assertArrayEquals(new int[] {3, 1, 8, 48}, s.zeroState(3).get("k").shape());
        assertThrows(ConfigException.class, () -> LayerRegistry.create(new LayerConfig("attention", 4, 6, Map.of("heads", "4")), new Rng(1)));
        assertThrows(ConfigException.class, () -> LayerRegistry.create(new LayerConfig("attention", 4, 8, Map.of("window", "4")), new Rng(1)));
    }
}
