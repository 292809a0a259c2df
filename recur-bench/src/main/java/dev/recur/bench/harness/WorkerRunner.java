package dev.recur.bench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs one worker process: stdout is read as the worker protocol (kept even when the process then
 * fails or is stopped, so a timed-out peer still contributes the cases it finished), stderr goes to
 * a log file for the report to point at.
 */
public final class WorkerRunner {
    /** The outcome of a run: what it printed, its exit code (-1 when stopped), whether it ran past its limit. */
    public record Run(WorkerOutput output, int exitCode, boolean timedOut, double seconds, Path log) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }
    }

    private WorkerRunner() {}

    public static Run run(WorkerSpec spec, Path workDir, Path log, long timeoutSeconds) {
        WorkerOutput out = new WorkerOutput();
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(spec.command()).directory(workDir.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(spec.env());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Run(out, 127, false, 0, log);
        }
        String source = spec.label() + " (" + log.getFileName() + ")";
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (out) {
                        out.accept(line, source);
                    }
                }
            } catch (IOException e) {
                // the process died; what it printed so far stands
            }
        });
        boolean finished;
        try {
            finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(10_000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            finished = false;
        }
        double seconds = (System.nanoTime() - t0) * 1e-9;
        synchronized (out) {
            return new Run(out, finished ? p.exitValue() : -1, !finished, seconds, log);
        }
    }
}
