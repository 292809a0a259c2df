package dev.recur.linear;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.SequenceLayer;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layers by name: options, defaults, state layout, and bad input. */
class LinearLayersRegistryTest {
    static SequenceLayer create(String name, int width, Map<String, String> options) {
        return LayerRegistry.create(new LayerConfig(name, width, width, options), new Rng(1));
    }

    @Test
    void everyLayerIsRegisteredWithItsStateLayout() {
        for (String name : new String[] {"gla", "deltanet", "gated_deltanet", "deltaproduct", "mlstm"}) {
            assertTrue(LayerRegistry.contains(name), name);
            SequenceLayer l = create(name, 128, Map.of());
            assertEquals(2, ((LinearAttentionLayer) l).heads(), name + ": default heads = width / 64");
            assertEquals(128, l.outputSize());
        }
        assertArrayEquals(new int[] {3, 2, 32, 64}, create("gla", 128, Map.of()).zeroState(3).get("S").shape());
        LayerState d = create("deltanet", 128, Map.of()).zeroState(3);
        assertArrayEquals(new int[] {3, 2, 64, 64}, d.get("S").shape());
        assertArrayEquals(new int[] {3, 128, 3}, d.get("conv_q").shape());
        assertArrayEquals(new int[] {3, 256, 3}, create("deltaproduct", 128, Map.of()).zeroState(3).get("conv_k").shape());
        LayerState m = create("mlstm", 128, Map.of()).zeroState(3);
        assertArrayEquals(new int[] {3, 2, 64}, m.get("n").shape());
        assertArrayEquals(new int[] {3, 2}, m.get("m").shape());
    }

    @Test
    void optionsShapeTheLayer() {
        var dp = (DeltaRuleLayer) create("deltaproduct", 16, Map.of("householder", "3", "heads", "4", "forget_gate", "true"));
        assertEquals(3, dp.householder());
        assertTrue(dp.stateDict().containsKey("A_log"));
        assertTrue(create("deltanet", 16, Map.of("output_gate", "true")).stateDict().containsKey("g_proj.weight"));
        assertTrue(!create("deltanet", 16, Map.of()).stateDict().containsKey("g_proj.weight"));
        assertTrue(create("gla", 16, Map.of("conv", "0")).stateDict().containsKey("gk_proj.1.bias"));
        assertEquals(1, create("gated_deltanet", 16, Map.of("conv", "0")).zeroState(1).tensors().size());
    }

    @Test
    void badOptionsAreConfigErrors() {
        assertThrows(ConfigException.class, () -> create("gla", 16, Map.of("head", "2")));
        assertThrows(ConfigException.class, () -> create("deltanet", 16, Map.of("heads", "3")));
        assertThrows(ConfigException.class, () -> create("mlstm", 16, Map.of("mode", "parallel")));
        assertThrows(ConfigException.class, () -> create("deltaproduct", 16, Map.of("householder", "0")));
        assertThrows(ConfigException.class, () -> create("gla", 16, Map.of("chunk", "0")));
    }

    @Test
    void badShapesAreShapeErrors() {
        SequenceLayer l = create("gated_deltanet", 16, Map.of());
        assertThrows(ShapeException.class, () -> l.forward(Var.constant(Tensor.zeros(4, 2, 15))));
        assertThrows(ShapeException.class, () -> l.step(Var.constant(Tensor.zeros(2, 2, 16)), null));
        LayerState wrongBatch = l.zeroState(3);
        assertThrows(ShapeException.class, () -> l.forward(Var.constant(Tensor.zeros(4, 2, 16)), null, wrongBatch));
        LayerState missing = LayerState.fromTensors(Map.of("S", Tensor.zeros(2, 1, 16, 16)));
        assertThrows(ShapeException.class, () -> l.forward(Var.constant(Tensor.zeros(4, 2, 16)), null, missing));
    }
}
