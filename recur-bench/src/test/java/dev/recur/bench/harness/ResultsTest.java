package dev.recur.bench.harness;

import dev.recur.io.FormatException;
import dev.recur.io.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ResultsTest {
    static Results sample() {
        List<Measurement> raw = List.of(
                new Measurement("rnn", "lstm H=256 T=128 B=32", "recur", "infer_tokens_per_s", "tokens/s", 300),
                new Measurement("rnn", "lstm H=256 T=128 B=32 [threads=1]", "torch", "infer_tokens_per_s", "tokens/s", 150),
                new Measurement("rnn", "lstm H=256 T=128 B=32", "recur", "infer_tokens_per_s", "tokens/s", 100),
                new Measurement("rnn", "lstm H=256 T=128 B=32 [threads=1]", "torch", "infer_tokens_per_s", "tokens/s", 50),
                new Measurement("rnn", "lstm H=256 T=128 B=32", "recur", "infer_tokens_per_s", "tokens/s", 200),
                new Measurement("rnn", "lstm H=256 T=128 B=32 [threads=2]", "torch", "infer_tokens_per_s", "tokens/s", 40),
                new Measurement("rnn", "lstm H=256 T=128 B=32", "recur", "peak_rss", "MiB", Double.NaN));
        return Results.aggregate(Map.of("cpu", "test cpu", "cores", 2L, "jdk", "25"), raw);
    }

    @Test
    void groupsRunsIntoMedianMinMax() {
        Results r = sample();
        assertEquals(4, r.entries().size());
        Results.Entry recur = r.entries().get(0);
        assertEquals("recur", recur.system());
        assertArrayEquals(new double[] {300, 100, 200}, recur.runs(), "runs keep run order");
        assertEquals(200, recur.median());
        assertEquals(100, recur.min());
        assertEquals(300, recur.max());
        Results.Entry torch1 = r.entries().get(1);
        assertEquals(100, torch1.median(), "an even count takes the mean of the middle two");
        assertEquals("threads=1", torch1.variant());
        assertEquals("lstm H=256 T=128 B=32", torch1.baseCase());
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHasExactlyTheIssuesSchema() {
        Map<String, Object> root = Json.parseObject(Json.writePretty(sample().toJson()), "results.json");
        assertEquals(List.of("machine", "results"), List.copyOf(root.keySet()));
        List<Object> results = (List<Object>) root.get("results");
        for (Object o : results) {
            Map<String, Object> e = (Map<String, Object>) o;
            assertEquals(List.of("suite", "case", "system", "metric", "unit", "median", "min", "max", "runs"), List.copyOf(e.keySet()));
        }
        Map<String, Object> rss = (Map<String, Object>) results.get(3);
        assertNull(rss.get("median"), "a figure a system could not measure is null, not NaN");
    }

    @Test
    void roundTripsThroughJson() {
        Results r = sample();
        Results back = Results.fromJson(Json.write(r.toJson()), "results.json");
        assertEquals(r.entries().size(), back.entries().size());
        for (int i = 0; i < r.entries().size(); i++) {
            assertEquals(r.entries().get(i).caseName(), back.entries().get(i).caseName());
            assertArrayEquals(r.entries().get(i).runs(), back.entries().get(i).runs());
        }
        assertEquals("test cpu", back.machine().get("cpu"));
    }

    @Test
    void aMalformedFileIsAFormatException() {
        FormatException e = assertThrows(FormatException.class,
                () -> Results.fromJson("{\"machine\":{},\"results\":[{\"suite\":\"gemm\"}]}", "bad.json"));
        assertEquals(true, e.getMessage().contains("bad.json"), e.getMessage());
    }

    @Test
    void oneMetricInTwoUnitsIsAnError() {
        List<Measurement> raw = List.of(new Measurement("s", "c", "recur", "m", "us", 1), new Measurement("s", "c", "recur", "m", "ms", 1));
        assertThrows(IllegalStateException.class, () -> Results.aggregate(Map.of(), raw));
    }
}
