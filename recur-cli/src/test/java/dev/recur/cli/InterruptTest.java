package dev.recur.cli;

import dev.recur.io.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A training process that is told to stop (SIGTERM, which runs the same shutdown path as Ctrl-C) leaves a valid last.ckpt. */
class InterruptTest {
    @Test
    void stoppedRunLeavesAValidCheckpoint(@TempDir Path dir) throws Exception {
        Path csv = ForecastCliTest.sineCsv(dir, 300), run = dir.resolve("run"), log = dir.resolve("log.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "dev.recur.cli.Main", "train", "--data", csv.toString(), "--model", "gru:1x8", "--context", "12", "--horizon", "3",
                "--steps", "1000000", "--eval-every", "3", "--out", run.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.exists(run.resolve("metrics.jsonl")) && System.nanoTime() < deadline && p.isAlive()) Thread.sleep(100);
            assertTrue(Files.exists(run.resolve("metrics.jsonl")), "training started: " + Files.readString(log));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(out.contains("interrupted at step"), out);
        Checkpoint ck = Checkpoint.read(run.resolve("last.ckpt"));
        assertTrue(ck.training().step() >= 3, "checkpoint at step " + ck.training().step());
        try (var files = Files.list(run)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }
}
