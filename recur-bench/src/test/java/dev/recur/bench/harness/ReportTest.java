package dev.recur.bench.harness;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {
    @Test
    void ratiosAreRecurOverThePeersBestConfiguration() {
        String md = Report.markdown(ResultsTest.sample(), List.of());
        // Recur median 200; torch best of threads=1 (median 100) and threads=2 (40) is threads=1.
        assertTrue(md.contains("| lstm H=256 T=128 B=32 | infer_tokens_per_s (tokens/s) | 200.0 [100.0–300.0] | 100.0 [50.00–150.0] threads=1 | 2.00 |"), md);
        assertTrue(md.contains("## rnn"), md);
        assertTrue(md.contains("| lstm H=256 T=128 B=32 | torch [threads=2] | infer_tokens_per_s (tokens/s) | 40.00 | 40.00 | 40.00 | 1 |"),
                "every configuration is listed: " + md);
    }

    @Test
    void lowerIsBetterForLatencyAndMemory() {
        Results.Entry a = new Results.Entry("stream", "lstm H=256 B=1 [x]", "torch", "p99_latency", "us", new double[] {50});
        Results.Entry b = new Results.Entry("stream", "lstm H=256 B=1 [y]", "torch", "p99_latency", "us", new double[] {30});
        assertEquals(b, Report.better(a, b));
        Results.Entry c = new Results.Entry("stream", "lstm H=256 B=1 [x]", "torch", "steps_per_s", "steps/s", new double[] {50});
        Results.Entry d = new Results.Entry("stream", "lstm H=256 B=1 [y]", "torch", "steps_per_s", "steps/s", new double[] {30});
        assertEquals(c, Report.better(c, d));
    }

    @Test
    void notesChartsAndGapsAppear() {
        Map<String, Object> machine = new LinkedHashMap<>(Map.of("cpu", "c", "cores", 2L, "jdk", "j", "os", "o"));
        machine.put("notes", new ArrayList<Object>(List.of("dl4j has no layer for rnn gru:256:128:32:ti: Deeplearning4j has no 'gru' layer")));
        Results r = Results.aggregate(machine, List.of(
                new Measurement("rnn", "gru H=256 T=128 B=32", "recur", "train_tokens_per_s", "tokens/s", 10)));
        String md = Report.markdown(r, List.of("rnn-throughput-by-hidden.png"));
        assertTrue(md.contains("![rnn-throughput-by-hidden.png](rnn-throughput-by-hidden.png)"), md);
        assertTrue(md.contains("- dl4j has no layer for rnn gru"), md);
        assertTrue(md.contains("| gru H=256 T=128 B=32 | train_tokens_per_s (tokens/s) | 10.00 |"), md);
    }

    @Test
    void chartSeriesTakeEachSystemsBestConfiguration() {
        List<Measurement> raw = List.of(
                new Measurement("rnn", "lstm H=64 T=128 B=32", "recur", "infer_tokens_per_s", "tokens/s", 900),
                new Measurement("rnn", "lstm H=256 T=128 B=32", "recur", "infer_tokens_per_s", "tokens/s", 500),
                new Measurement("rnn", "lstm H=256 T=512 B=32", "recur", "infer_tokens_per_s", "tokens/s", 450),
                new Measurement("rnn", "lstm H=64 T=128 B=32 [threads=1]", "torch", "infer_tokens_per_s", "tokens/s", 700),
                new Measurement("rnn", "lstm H=64 T=128 B=32 [threads=2]", "torch", "infer_tokens_per_s", "tokens/s", 800));
        Results r = Results.aggregate(Map.of(), raw);
        var byHidden = Charts.series(r, true);
        assertEquals(Map.of(64, 900.0, 256, 500.0), byHidden.get("recur"));
        assertEquals(Map.of(64, 800.0), byHidden.get("torch"));
        assertEquals(Map.of(128, 500.0, 512, 450.0), Charts.series(r, false).get("recur"));
    }

    @Test
    void recursFormsAreComparedWithEachOther() {
        Results r = Results.aggregate(Map.of(), List.of(
                new Measurement("modern", "gla W=256 T=2048 B=4 mode=chunk", "recur", "train_tokens_per_s", "tokens/s", 3000),
                new Measurement("modern", "gla W=256 T=2048 B=4 mode=recurrent", "recur", "train_tokens_per_s", "tokens/s", 1000),
                new Measurement("pararnn", "paragru W=256 T=512 B=8 mode=newton threads=2", "recur", "infer_tokens_per_s", "tokens/s", 50),
                new Measurement("pararnn", "paragru W=256 T=512 B=8 mode=sequential threads=2", "recur", "infer_tokens_per_s", "tokens/s", 100)));
        String md = Report.markdown(r, List.of());
        assertTrue(md.contains("| gla W=256 T=2048 B=4 | train_tokens_per_s (tokens/s) | chunk 3000 | recurrent 1000 | 3.00 |"), md);
        assertTrue(md.contains("| paragru W=256 T=512 B=8 threads=2 | infer_tokens_per_s (tokens/s) | newton 50.00 | sequential 100.0 | 0.50 |"), md);
    }

    @Test
    void chartsAreWrittenAsPngsWhenACurveHasTwoPoints(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Results r = Results.aggregate(Map.of(), List.of(
                new Measurement("rnn", "lstm H=64 T=128 B=32", "recur", "infer_tokens_per_s", "tokens/s", 900),
                new Measurement("rnn", "lstm H=256 T=128 B=32", "recur", "infer_tokens_per_s", "tokens/s", 500)));
        assertEquals(List.of("rnn-throughput-by-hidden.png"), Charts.write(r, dir), "one point by length: that chart is not drawn");
        byte[] png = java.nio.file.Files.readAllBytes(dir.resolve("rnn-throughput-by-hidden.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }
}
