package dev.recur.bench.harness;

import dev.recur.io.FormatException;
import dev.recur.io.json.Json;
import dev.recur.io.json.JsonValues;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One raw figure from one worker run: the line every bench worker (Recur's, the PyTorch and
 * Deeplearning4j peers') prints on stdout, {@code {"suite","case","system","metric","unit","value"}}.
 * {@code case} may end in a bracketed peer configuration, e.g. {@code "lstm H=256 T=128 B=32 [threads=1]"}.
 */
public record Measurement(String suite, String caseName, String system, String metric, String unit, double value) {

    public Measurement withCase(String newCase) {
        return new Measurement(suite, newCase, system, metric, unit, value);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("suite", suite);
        m.put("case", caseName);
        m.put("system", system);
        m.put("metric", metric);
        m.put("unit", unit);
        m.put("value", Double.isFinite(value) ? (Object) value : null);
        return m;
    }

    /** Parses a measurement line; {@code source} names the worker in error messages. */
    public static Measurement fromJson(Map<String, Object> m, String source) {
        Object v = JsonValues.require(m, "value", source);
        if (v != null && !(v instanceof Number)) throw new FormatException(source, "\"value\" must be a number or null, found " + Json.typeName(v));
        return new Measurement(JsonValues.string(m, "suite", source), JsonValues.string(m, "case", source),
                JsonValues.string(m, "system", source), JsonValues.string(m, "metric", source),
                JsonValues.string(m, "unit", source), v == null ? Double.NaN : ((Number) v).doubleValue());
    }

    /** The case without its bracketed peer configuration. */
    public static String baseCase(String caseName) {
        int i = caseName.indexOf(" [");
        return i < 0 ? caseName : caseName.substring(0, i);
    }

    /** The bracketed peer configuration of a case, or "" when it has none. */
    public static String variant(String caseName) {
        int i = caseName.indexOf(" [");
        return i < 0 ? "" : caseName.substring(i + 2, caseName.length() - 1);
    }

    /** Whether a larger value of this unit is better (throughput) or worse (latency, memory, solver iterations). */
    public static boolean higherIsBetter(String unit) {
        return !(unit.equals("us") || unit.equals("ms") || unit.equals("s") || unit.equals("MiB")
                || unit.equals("iterations") || unit.equals("residual"));
    }
}
