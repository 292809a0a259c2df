package dev.recur.bench.harness;

import dev.recur.kernel.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recur's worker speaks the protocol the harness reads, on tiny cases (no figure is checked: they are timings). */
class RecurWorkerTest {
    private final int threads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threads);
    }

    private static WorkerOutput run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            RecurWorker.main(args);
        } finally {
            System.setOut(old);
        }
        WorkerOutput out = new WorkerOutput();
        for (String line : buf.toString(StandardCharsets.UTF_8).split("\n")) out.accept(line, "recur worker");
        return out;
    }

    @Test
    void gemmReportsEveryShapeAtEveryThreadCount() {
        WorkerOutput out = run("--suite", "gemm", "--cases", "8x16x32", "--threads", "1,2", "--warmup", "0", "--min-time", "0", "--max-samples", "1");
        assertEquals(List.of("8x16x32 threads=1", "8x16x32 threads=2"), out.measurements().stream().map(Measurement::caseName).toList());
        assertTrue(out.measurements().stream().allMatch(m -> m.system().equals("recur") && m.unit().equals("GFLOP/s") && m.value() > 0));
        assertEquals("recur", out.info().get("system"));
    }

    @Test
    void sequenceCasesCarryOptionsIntoTheCaseNameAndMeasureEachMode() {
        WorkerOutput out = run("--suite", "modern", "--cases", "gla:16:8:2:tis:mode=recurrent;threads=1", "--warmup", "0", "--min-time", "0", "--max-samples", "1");
        Set<String> metrics = out.measurements().stream().map(Measurement::metric).collect(Collectors.toSet());
        assertEquals(Set.of("train_tokens_per_s", "infer_tokens_per_s", "step_tokens_per_s", "peak_rss"), metrics);
        assertEquals("gla W=16 T=8 B=2 mode=recurrent threads=1", out.measurements().get(0).caseName());
    }

    @Test
    void anUnregisteredLayerIsReportedNotDropped() {
        WorkerOutput out = run("--suite", "rnn", "--cases", "no_such_cell:16:8:2:ti", "--warmup", "0", "--min-time", "0", "--max-samples", "1");
        assertTrue(out.measurements().isEmpty());
        assertEquals(List.of("rnn no_such_cell:16:8:2:ti: layer 'no_such_cell' is not registered in this build"), out.unsupported());
    }
}
