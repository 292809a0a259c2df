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

    @Test
    void negativeZeroAndLargeNumbersRoundTrip() {
        for (String text : new String[] {"[-0.0,0.0,1e300,-2.5e-300,18446744073709551616,9223372036854775807]"}) {
            Object v = Json.parse(text, "n");
            assertEquals(v, Json.parse(Json.write(v), "n"));
        }
        assertEquals("-0.0", Json.write(-0.0));
    }

    @Test
    void rejectsWhatHasNoFaithfulValue() {
        FormatException inf = assertThrows(FormatException.class, () -> Json.parse("[1e999]", "n.json"));
        assertTrue(inf.getMessage().contains("number 1e999 is out of the range of a double"), inf.getMessage());
        FormatException lone = assertThrows(FormatException.class, () -> Json.parse("\"a\\ud800b\"", "s.json"));
        assertTrue(lone.getMessage().contains("unpaired UTF-16 surrogate \\ud800"), lone.getMessage());
        assertEquals("\ud83d\ude00", Json.parse("\"\\ud83d\\ude00\"", "pair"));
        // Character.digit would read these Arabic-Indic digits as hex.
        assertThrows(FormatException.class, () -> Json.parse("\"\\u\u0660\u0660\u0664\u0661\"", "digits"));
    }

    @Test
    void messagesQuoteFileTextOnOneLine() {
        FormatException dup = assertThrows(FormatException.class, () -> Json.parse("{\"a\\nb\":1,\"a\\nb\":2}", "d.json"));
        assertTrue(dup.getMessage().contains("duplicate key \"a\\u000ab\""), dup.getMessage());
        assertEquals("a string \"x\\\"y\"", Json.describe("x\"y"));
        assertEquals("a number 1.5", Json.describe(1.5));
        assertEquals("\"" + "z".repeat(80) + "...(100 characters)\"", FormatException.quote("z".repeat(100)));
    }
}
