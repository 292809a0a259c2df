package dev.recur.bench.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerRunnerTest {
    @TempDir
    Path dir;

    private static final String LINE = "{\"suite\":\"rnn\",\"case\":\"lstm H=8 T=4 B=2\",\"system\":\"torch\",\"metric\":\"m\",\"unit\":\"tokens/s\",\"value\":3}";

    @Test
    void readsStdoutAndLogsStderrWithTheGivenEnvironment() throws Exception {
        WorkerSpec w = new WorkerSpec("torch", "threads=1",
                List.of("/bin/sh", "-c", "echo '" + LINE + "'; echo \"threads $OMP_NUM_THREADS\" >&2"), Map.of("OMP_NUM_THREADS", "1"));
        Path log = dir.resolve("w.log");
        WorkerRunner.Run run = WorkerRunner.run(w, dir, log, 60);
        assertTrue(run.ok());
        assertEquals(3.0, run.output().measurements().get(0).value());
        assertEquals("threads 1\n", Files.readString(log));
    }

    @Test
    void aFailingWorkerKeepsWhatItPrinted() {
        WorkerSpec w = new WorkerSpec("torch", "", List.of("/bin/sh", "-c", "echo '" + LINE + "'; exit 3"), Map.of());
        WorkerRunner.Run run = WorkerRunner.run(w, dir, dir.resolve("f.log"), 60);
        assertFalse(run.ok());
        assertEquals(3, run.exitCode());
        assertEquals(1, run.output().measurements().size());
    }

    @Test
    void aWorkerPastItsLimitIsStopped() {
        WorkerSpec w = new WorkerSpec("dl4j", "", List.of("/bin/sh", "-c", "echo '" + LINE + "'; exec sleep 60"), Map.of());
        WorkerRunner.Run run = WorkerRunner.run(w, dir, dir.resolve("t.log"), 1);
        assertTrue(run.timedOut());
        assertEquals(1, run.output().measurements().size());
    }

    @Test
    void aCommandThatCannotStartIsExit127() {
        WorkerSpec w = new WorkerSpec("dl4j", "", List.of(dir.resolve("missing").toString()), Map.of());
        assertEquals(127, WorkerRunner.run(w, dir, dir.resolve("m.log"), 5).exitCode());
    }
}
