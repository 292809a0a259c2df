package dev.recur.bench.harness;

import dev.recur.io.FormatException;
import dev.recur.io.json.Json;
import dev.recur.io.json.JsonValues;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of results.json: {@code {"machine": {...}, "results": [{"suite", "case", "system",
 * "metric", "unit", "median", "min", "max", "runs"}, ...]}}, one entry per (suite, case, system,
 * metric) with every raw figure in {@code runs} (one per worker run, in run order).
 */
public record Results(Map<String, Object> machine, List<Entry> entries) {

    /** One aggregated figure. */
    public record Entry(String suite, String caseName, String system, String metric, String unit, double[] runs) {
        public double median() {
            double[] s = sorted();
            int n = s.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
        }

        public double min() {
            double[] s = sorted();
            return s.length == 0 ? Double.NaN : s[0];
        }

        public double max() {
            double[] s = sorted();
            return s.length == 0 ? Double.NaN : s[s.length - 1];
        }

        private double[] sorted() {
            return Arrays.stream(runs).filter(Double::isFinite).sorted().toArray();
        }

        public String baseCase() {
            return Measurement.baseCase(caseName);
        }

        public String variant() {
            return Measurement.variant(caseName);
        }
    }

    /** Groups raw measurements (in run order) into entries, keeping the order in which each key first appeared. */
    public static Results aggregate(Map<String, Object> machine, List<Measurement> raw) {
        Map<List<String>, List<Double>> groups = new LinkedHashMap<>();
        Map<List<String>, String> units = new LinkedHashMap<>();
        for (Measurement m : raw) {
            List<String> key = List.of(m.suite(), m.caseName(), m.system(), m.metric());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(m.value());
            String old = units.putIfAbsent(key, m.unit());
            if (old != null && !old.equals(m.unit())) {
                throw new IllegalStateException("metric " + key + " reported in both " + old + " and " + m.unit());
            }
        }
        List<Entry> entries = new ArrayList<>();
        groups.forEach((k, v) -> entries.add(new Entry(k.get(0), k.get(1), k.get(2), k.get(3), units.get(k),
                v.stream().mapToDouble(Double::doubleValue).toArray())));
        return new Results(machine, entries);
    }

    public Map<String, Object> toJson() {
        List<Object> list = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("suite", e.suite());
            m.put("case", e.caseName());
            m.put("system", e.system());
            m.put("metric", e.metric());
            m.put("unit", e.unit());
            m.put("median", finite(e.median()));
            m.put("min", finite(e.min()));
            m.put("max", finite(e.max()));
            List<Object> runs = new ArrayList<>();
            for (double r : e.runs()) runs.add(finite(r));
            m.put("runs", runs);
            list.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", machine);
        root.put("results", list);
        return root;
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? (Object) v : null;
    }

    /** Reads results.json back (the report and BENCHMARKS.md are generated from it). */
    public static Results fromJson(String text, String source) {
        Map<String, Object> root = Json.parseObject(text, source);
        Map<String, Object> machine = JsonValues.object(JsonValues.require(root, "machine", source), source, "machine");
        List<Entry> entries = new ArrayList<>();
        for (Object o : JsonValues.array(JsonValues.require(root, "results", source), source, "results")) {
            Map<String, Object> m = JsonValues.object(o, source, "a result");
            List<Object> runs = JsonValues.array(JsonValues.require(m, "runs", source), source, "runs");
            double[] r = new double[runs.size()];
            for (int i = 0; i < r.length; i++) {
                Object v = runs.get(i);
                if (v != null && !(v instanceof Number)) throw new FormatException(source, "\"runs\" holds " + Json.typeName(v) + ", expected numbers");
                r[i] = v == null ? Double.NaN : ((Number) v).doubleValue();
            }
            entries.add(new Entry(JsonValues.string(m, "suite", source), JsonValues.string(m, "case", source),
                    JsonValues.string(m, "system", source), JsonValues.string(m, "metric", source),
                    JsonValues.string(m, "unit", source), r));
        }
        return new Results(machine, entries);
    }
}
