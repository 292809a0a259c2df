package dev.recur.bench.harness;

import dev.recur.io.FormatException;
import dev.recur.io.json.Json;
import dev.recur.io.json.JsonValues;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one worker run printed, read line by line: measurements, {@code {"info":{...}}} (the
 * peer's version and settings) and {@code {"unsupported":{"suite","case","why"}}} (a case the peer
 * has no layer for, shown as a gap in the report rather than dropped). Lines that are not JSON
 * objects (library banners, warnings) are ignored; a JSON line that breaks the protocol is a
 * {@link FormatException}, so a drifting peer script fails loudly.
 */
public final class WorkerOutput {
    private final List<Measurement> measurements = new ArrayList<>();
    private final Map<String, Object> info = new LinkedHashMap<>();
    private final List<String> unsupported = new ArrayList<>();

    public void accept(String line, String source) {
        String s = line.strip();
        if (!s.startsWith("{")) return;
        Map<String, Object> m;
        try {
            m = Json.parseObject(s, source);
        } catch (FormatException e) {
            return; // a log line that happens to start with a brace
        }
        if (m.containsKey("info")) {
            info.putAll(JsonValues.object(m.get("info"), source, "info"));
        } else if (m.containsKey("unsupported")) {
            Map<String, Object> u = JsonValues.object(m.get("unsupported"), source, "unsupported");
            unsupported.add(JsonValues.string(u, "suite", source) + " " + JsonValues.string(u, "case", source)
                    + ": " + JsonValues.string(u, "why", source));
        } else if (m.containsKey("impl") && m.containsKey("gflops")) {
            measurements.add(fromNumpyLine(m, source));
        } else {
            measurements.add(Measurement.fromJson(m, source));
        }
    }

    /** peers/numpy_sgemm.py's line (shared with the JMH GEMM runner): one GFLOP/s figure per shape and thread count. */
    private Measurement fromNumpyLine(Map<String, Object> m, String source) {
        if (m.containsKey("blas")) info.put("blas", JsonValues.string(m, "blas", source));
        String shape = JsonValues.string(m, "shape", source);
        long threads = JsonValues.integer(m, "threads", source);
        return new Measurement("gemm", Plan.gemmCase(shape, (int) threads), "openblas", "gflops", "GFLOP/s",
                JsonValues.number(m, "gflops", source));
    }

    public List<Measurement> measurements() {
        return measurements;
    }

    public Map<String, Object> info() {
        return info;
    }

    public List<String> unsupported() {
        return unsupported;
    }
}
