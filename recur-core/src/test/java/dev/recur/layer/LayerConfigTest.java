package dev.recur.layer;

import dev.recur.ConfigException;
import dev.recur.io.json.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerConfigTest {
    @Test
    void typedOptionsAndJsonRoundTrip() {
        LayerConfig c = new LayerConfig("gru", 8, 16, Map.of("dropout", "0.25", "layers", "2", "bidirectional", "true"));
        assertEquals(0.25, c.real("dropout", 0, 0, 1));
        assertEquals(2, c.integer("layers", 1, 1, 64));
        assertTrue(c.bool("bidirectional", false));
        c.checkAllRead();
        LayerConfig back = LayerConfig.fromJson(Json.parseObject(Json.write(c.toJson()), "m"), "m");
        assertEquals(c.toString(), back.toString());
    }

    @Test
    void unreadOrInvalidOptionsAreErrors() {
        LayerConfig c = new LayerConfig("gru", 8, 16, Map.of("dropuot", "0.1", "layers", "x"));
        assertThrows(ConfigException.class, () -> c.integer("layers", 1, 1, 8));
        ConfigException e = assertThrows(ConfigException.class, c::checkAllRead);
        assertTrue(e.getMessage().contains("dropuot"), e.getMessage());
        assertThrows(ConfigException.class, () -> LayerRegistry.create(new LayerConfig("nosuch", 1, 1), new dev.recur.random.Rng(0)));
    }
}
