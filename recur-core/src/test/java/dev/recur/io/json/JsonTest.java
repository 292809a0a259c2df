package dev.recur.io.json;

import dev.recur.io.FormatException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    @Test
    void roundTripsValues() {
        String text = "{\"a\":[1,2.5,-3e2,true,false,null],\"b\":{\"c\":\"x\\\"y\\u00e9\\n\"},\"big\":9007199254740993}";
        Object v = Json.parse(text, "t");
        Map<String, Object> m = JsonValues.object(v, "t", "root");
        assertEquals(List.of(1L, 2.5, -300.0, true, false), ((List<?>) m.get("a")).subList(0, 5));
        assertEquals("x\"y\u00e9\n", JsonValues.object(m.get("b"), "t", "b").get("c"));
        assertEquals(9007199254740993L, m.get("big"));
        assertEquals(v, Json.parse(Json.write(v), "t"));
        assertEquals(v, Json.parse(Json.writePretty(v), "t"));
    }

    @Test
    void rejectsMalformedInputWithItsPosition() {
        for (String bad : new String[] {"{", "[1,]", "{\"a\":1,\"a\":2}", "01", "1 2", "\"\u0001\"", "{a:1}", "[1e]", "tru", "-"}) {
            FormatException e = assertThrows(FormatException.class, () -> Json.parse(bad, "f.json"), bad);
            assertTrue(e.getMessage().startsWith("f.json: "), e.getMessage());
        }
        assertThrows(FormatException.class, () -> Json.parse("[".repeat(500) + "]".repeat(500), "deep"));
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] b = "{\"k\":\"\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        b[7] = (byte) 0xff;
        FormatException e = assertThrows(FormatException.class, () -> Json.parse(b, "h.json"));
        assertTrue(e.getMessage().contains("UTF-8"));
    }
}
