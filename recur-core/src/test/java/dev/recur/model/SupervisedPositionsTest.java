package dev.recur.model;

import dev.recur.autodiff.Var;
import dev.recur.loss.CrossEntropy;
import dev.recur.nn.Parameter;
import dev.recur.ops.Shape;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The head computed at chosen positions only agrees with the full next-token head there, in value and gradient. */
class SupervisedPositionsTest {
    private static final int T = 6, B = 3, V = 11;

    private static SequenceModel model(String head) {
        return model(head, false);
    }

    private static SequenceModel model(String head, boolean tie) {
        return new SequenceModel(ModelConfig.of(ModelSpec.parse("gla:2x8,heads=2,tie=" + tie), ModelConfig.Input.tokens(V), new ModelConfig.Head(head, V)), new Rng(7));
    }

    private static int[] tokens() {
        Rng r = new Rng(3);
        int[] t = new int[T * B];
        for (int i = 0; i < t.length; i++) t[i] = r.nextInt(V);
        return t;
    }

    @Test
    void gatheredHeadEqualsTheFullHeadAtThosePositions() {
        check(model("next_token", false));
    }

    @Test
    void tiedHeadIsTheEmbeddingsTransposeAndGathersAlike() {
        SequenceModel tied = model("next_token", true), own = model("next_token", false);
        assertEquals(false, tied.namedParameters().containsKey("head.weight"));
        assertEquals(own.parameters().size() - 2, tied.parameters().size(), "no head weight and bias");
        assertEquals(true, tied.config().toJson().get("tie"));
        assertEquals(true, ModelConfig.fromJson(tied.config().toJson(), "m", null, null).tie());
        check(tied);
        assertThrows(dev.recur.ConfigException.class, () -> ModelConfig.of(ModelSpec.parse("gla:1x8,tie=true"), ModelConfig.Input.real(3), new ModelConfig.Head("regression", 3)));
    }

    private static void check(SequenceModel m) {
        int[] tok = tokens(), positions = {2, 5, 9, 13, 17}; // t * B + b, ascending as the tasks give them
        int[] labels = {1, 4, 0, 10, 7};
        Var at = m.forwardTokensAt(tok, T, B, positions);
        assertArrayEquals(new int[] {positions.length, V}, at.shape());
        new CrossEntropy().apply(at, labels, null).backward();
        Map<String, float[]> gatheredGrads = grads(m);
        float[] gathered = at.value().contiguous().toArray();

        m.zeroGrad();
        Var full = Shape.reshape(m.forwardTokens(tok, T, B), T * B, V);
        float[] all = full.value().contiguous().toArray();
        for (int n = 0; n < positions.length; n++) {
            for (int k = 0; k < V; k++) assertEquals(all[positions[n] * V + k], gathered[n * V + k], 1e-6f, "position " + positions[n]);
        }
        int[] target = new int[T * B];
        java.util.Arrays.fill(target, CrossEntropy.DEFAULT_IGNORE_INDEX);
        for (int n = 0; n < positions.length; n++) target[positions[n]] = labels[n];
        new CrossEntropy().apply(full, target, null).backward();
        Map<String, float[]> fullGrads = grads(m);
        for (var e : fullGrads.entrySet()) {
            float[] g = gatheredGrads.get(e.getKey()), f = e.getValue();
            for (int i = 0; i < f.length; i++) assertEquals(f[i], g[i], 1e-5f + 1e-4f * Math.abs(f[i]), e.getKey() + "[" + i + "]");
        }
    }

    @Test
    void sequenceHeadsCannotBeGathered() {
        assertThrows(ShapeException.class, () -> model("softmax").forwardTokensAt(tokens(), T, B, new int[] {0}));
    }

    private static Map<String, float[]> grads(SequenceModel m) {
        Map<String, float[]> g = new java.util.TreeMap<>();
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) g.put(e.getKey(), e.getValue().grad().contiguous().toArray());
        return g;
    }
}
