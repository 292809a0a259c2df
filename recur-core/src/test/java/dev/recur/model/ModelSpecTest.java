package dev.recur.model;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.io.json.Json;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSpecTest {
    @Test
    void parsesShorthandWithBlockAndLayerOptions() {
        ModelSpec s = ModelSpec.parse("gla:2x64,heads=2,residual=false,mlp=2,dropout=0.1");
        assertEquals(List.of("gla"), s.layers());
        assertEquals(2, s.depth());
        assertEquals(64, s.width());
        assertFalse(s.residual());
        assertTrue(s.norm());
        assertEquals(2, s.mlp());
        assertEquals(0.1, s.dropout());
        assertEquals(Map.of("heads", "2"), s.options());
    }

    @Test
    void hybridsCycleThroughTheirLayers() {
        ModelSpec s = ModelSpec.parse("gla+attention:3x32");
        assertEquals("gla", s.layerOf(0));
        assertEquals("attention", s.layerOf(1));
        assertEquals("gla", s.layerOf(2));
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertTrue(assertThrows(ConfigException.class, () -> ModelSpec.parse("nosuch:1x8")).getMessage().contains("unknown layer 'nosuch'"));
        assertTrue(assertThrows(ConfigException.class, () -> ModelSpec.parse("gla")).getMessage().contains("NAME:LAYERSxWIDTH"));
        assertTrue(assertThrows(ConfigException.class, () -> ModelSpec.parse("gla:2by8")).getMessage().contains("LAYERSxWIDTH"));
        assertTrue(assertThrows(ConfigException.class, () -> ModelSpec.parse("gla:0x8")).getMessage().contains("at least 1"));
        assertTrue(assertThrows(ConfigException.class, () -> ModelSpec.parse("gla:1x8,heads")).getMessage().contains("key=value"));
        assertTrue(assertThrows(ConfigException.class, () -> ModelSpec.parse("gla:1x8,dropout=2")).getMessage().contains("dropout"));
    }

    @Test
    void unknownLayerOptionIsRejectedWhenTheModelIsBuilt() {
        ModelConfig c = ModelConfig.of(ModelSpec.parse("s4d:1x8,bogus=1"), ModelConfig.Input.real(1), new ModelConfig.Head("regression", 2));
        ConfigException e = assertThrows(ConfigException.class, () -> new SequenceModel(c, new Rng(1)));
        assertTrue(e.getMessage().contains("bogus"), e.getMessage());
    }

    @Test
    void configRoundTripsThroughJsonAndRebuildsTheSameModel() {
        ModelConfig c = ModelConfig.of(ModelSpec.parse("gla+s4d:2x8,mlp=2"), ModelConfig.Input.real(3), new ModelConfig.Head("regression", 4));
        Map<String, Object> json = Json.parseObject(Json.write(c.toJson()), "test");
        ModelConfig back = ModelConfig.fromJson(json, "test", null, null);
        assertEquals(Json.write(c.toJson()), Json.write(back.toJson()));
        SequenceModel a = new SequenceModel(c, new Rng(5)), b = new SequenceModel(back, new Rng(5));
        Var x = Var.constant(Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 2, 3));
        Var ya = a.forward(x, null), yb = b.forward(x, null);
        assertArrayEquals(new int[] {2, 4}, ya.shape());
        assertArrayEquals(ya.value().toArray(), yb.value().toArray());
    }

    @Test
    void handWrittenJsonTakesInputAndHeadFromTheTask() {
        Map<String, Object> json = Json.parseObject("{\"width\": 8, \"blocks\": [{\"name\": \"gla\", \"options\": {\"heads\": 2}}, {\"name\": \"s4d\"}], \"mlp\": 2}", "m.json");
        ModelConfig c = ModelConfig.fromJson(json, "m.json", ModelConfig.Input.real(2), new ModelConfig.Head("regression", 3));
        assertEquals(2, c.blocks().size());
        assertEquals("2", c.blocks().get(0).options().get("heads"));
        assertEquals(8, c.blocks().get(1).inputSize());
        SequenceModel m = new SequenceModel(c, new Rng(1));
        assertArrayEquals(new int[] {4, 3}, m.forward(Var.constant(Tensor.zeros(5, 4, 2)), null).shape());
        dev.recur.io.FormatException e = assertThrows(dev.recur.io.FormatException.class,
                () -> ModelConfig.fromJson(Json.parseObject("{\"width\": 8, \"blocks\": []}", "m.json"), "m.json", ModelConfig.Input.real(1), new ModelConfig.Head("regression", 1)));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void tokenModelStepsAgreeWithTheWholeSequence() {
        ModelConfig c = ModelConfig.of(ModelSpec.parse("gla:2x16"), ModelConfig.Input.tokens(7), new ModelConfig.Head("next_token", 7));
        SequenceModel m = new SequenceModel(c, new Rng(3));
        m.eval();
        int[] tokens = {1, 4, 2, 6, 0, 3}; // T = 3, B = 2, time-major
        float[] whole = m.forwardTokens(tokens, 3, 2).value().contiguous().toArray();
        var state = m.zeroState(2);
        for (int t = 0; t < 3; t++) {
            float[] step = m.stepTokens(new int[] {tokens[2 * t], tokens[2 * t + 1]}, state).value().contiguous().toArray();
            for (int i = 0; i < step.length; i++) assertEquals(whole[t * 14 + i], step[i], 1e-4f, "t=" + t + " i=" + i);
        }
    }
}
