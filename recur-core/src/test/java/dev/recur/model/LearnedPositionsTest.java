package dev.recur.model;

import dev.recur.ConfigException;
import dev.recur.loss.CrossEntropy;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code positions=N}: a learned embedding of the absolute position added to the tokens' (Zoology's attention models). */
class LearnedPositionsTest {
    private static final int V = 7;

    private static SequenceModel model(String spec) {
        return new SequenceModel(ModelConfig.of(ModelSpec.parse(spec), ModelConfig.Input.tokens(V), new ModelConfig.Head("next_token", V)), new Rng(5));
    }

    @Test
    void specAndJsonCarryThePositions() {
        ModelConfig c = model("attention:1x8,tie=true,positions=6").config();
        assertEquals(6, c.positions());
        assertEquals(6L, c.toJson().get("positions"));
        assertEquals(6, ModelConfig.fromJson(c.toJson(), "m", null, null).positions());
        ModelConfig plain = model("attention:1x8,tie=true").config();
        assertEquals(0, plain.positions());
        assertFalse(plain.toJson().containsKey("positions"), "written only when used");
        assertFalse(model("attention:1x8").namedParameters().containsKey("pos_embed.weight"));
    }

    @Test
    void theSameTokenAtEveryStepGivesOutputsThatDependOnTheStep() {
        // without positions (and attention without RoPE) a constant sequence gives the same output at every step
        int T = 4, B = 2;
        int[] tokens = new int[T * B];
        java.util.Arrays.fill(tokens, 3);
        float[] plain = model("attention:1x8,rope=false").forwardTokens(tokens, T, B).value().contiguous().toArray();
        for (int i = 0; i < V; i++) assertEquals(plain[i], plain[(T - 1) * B * V + i], 1e-6f);
        SequenceModel m = model("attention:1x8,rope=false,positions=4");
        float[] out = m.forwardTokens(tokens, T, B).value().contiguous().toArray();
        assertNotEquals(out[0], out[(T - 1) * B * V], "step 0 and step 3 differ");
        // the gradient reaches the rows of the steps used, and only those
        SequenceModel n = model("attention:1x8,positions=6");
        int[] labels = new int[T * B];
        java.util.Arrays.fill(labels, 1);
        new CrossEntropy().apply(dev.recur.ops.Shape.reshape(n.forwardTokens(tokens, T, B), T * B, V), labels, null).backward();
        float[] g = n.namedParameters().get("pos_embed.weight").grad().contiguous().toArray();
        for (int p = 0; p < 6; p++) {
            double norm = 0;
            for (int c = 0; c < 8; c++) norm += Math.abs(g[p * 8 + c]);
            assertEquals(p < T, norm > 0, "position " + p);
        }
    }

    @Test
    void longerInputsAndStreamingAreRefused() {
        SequenceModel m = model("gla:1x8,heads=2,positions=3");
        assertThrows(ShapeException.class, () -> m.forwardTokens(new int[4], 4, 1));
        ConfigException e = assertThrows(ConfigException.class, () -> m.stepTokens(new int[] {1}, m.zeroState(1)));
        assertTrue(e.getMessage().contains("positions=3"), e.getMessage());
        assertThrows(ConfigException.class, () -> ModelSpec.parse("gla:1x8,positions=-1"));
    }
}
