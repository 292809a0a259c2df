package dev.recur.bench.harness;

import dev.recur.RecurException;
import dev.recur.io.AtomicFiles;
import dev.recur.io.json.Json;
import dev.recur.layer.LayerRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code recur bench}: measures Recur and its peers suite by suite, each system configuration in
 * its own worker process, in alternating rounds ({@link Schedule}), then writes results.json,
 * report.md and the charts. The {@code ./recur} launcher runs it from recur-bench's jar with
 * {@code --root} set to the repository (where the peer scripts and the DL4J module live).
 */
public final class BenchMain {
    /** The pararnn suite's layers (registered by the pararnn family when it is in the build). */
    static final List<String> PARARNN_LAYERS = List.of("paralstm", "paragru");

    private BenchMain() {}

    public static void main(String[] args) {
        try {
            System.exit(run(Arrays.asList(args)));
        } catch (RecurException e) {
            System.err.println("recur: " + e.getMessage());
            System.exit(2);
        }
    }

    static int run(List<String> argList) {
        List<String> args = new ArrayList<>(argList);
        Path root = Path.of("").toAbsolutePath();
        int r = args.indexOf("--root");
        if (r >= 0 && r + 1 < args.size()) {
            root = Path.of(args.get(r + 1)).toAbsolutePath();
            args.remove(r + 1);
            args.remove(r);
        }
        BenchOptions opts = BenchOptions.parse(args);
        if (opts.help()) {
            System.out.println(BenchOptions.USAGE);
            return 0;
        }
        long t0 = System.nanoTime();
        String loadBefore = Machine.loadAverage();
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        Path out = opts.out() != null ? opts.out().toAbsolutePath()
                : root.resolve("bench-out").resolve("bench-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path logs = out.resolve("logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + logs, e);
        }
        String command = "./recur bench" + (args.isEmpty() ? "" : " " + String.join(" ", args));
        Peers peers = new Peers(root);
        Map<String, PeerStatus> status = new LinkedHashMap<>();
        for (String p : opts.peers()) {
            PeerStatus s = peers.detect(p);
            status.put(p, s);
            System.err.println(s.available() ? "bench: peer " + p + ": " + s.version()
                    : "bench: peer " + p + " is MISSING (" + s.problem() + "); install with: " + s.install());
        }
        Plan plan = Plan.of(opts.quick(), opts.rounds());
        List<Measurement> raw = new ArrayList<>();
        Set<String> notes = new LinkedHashSet<>();
        Map<String, Object> workerInfo = new LinkedHashMap<>();
        for (String p : status.keySet()) {
            if (!status.get(p).available()) {
                notes.add("peer " + p + " is missing (" + status.get(p).problem() + "): install with `" + status.get(p).install() + "`");
            }
        }
        // Every worker run of every suite, in order, so that each can be given a share of the time left.
        record Job(String suite, Schedule.Slot slot) {}
        List<Job> jobs = new ArrayList<>();
        for (String suite : opts.suites()) {
            List<String> cases = cases(plan, suite);
            if (cases.isEmpty()) {
                notes.add("suite " + suite + ": none of its layers is registered in this build");
                System.err.println("bench: suite " + suite + ": none of its layers is registered in this build");
                continue;
            }
            List<WorkerSpec> workers = new ArrayList<>();
            workers.add(recurWorker(suite, cases, plan));
            for (String p : status.keySet()) {
                if (status.get(p).available()) workers.addAll(peers.workers(p, suite, cases, plan));
            }
            for (Schedule.Slot slot : Schedule.alternate(workers, plan.rounds())) jobs.add(new Job(suite, slot));
        }
        // Round 1 of every suite, then round 2 of every suite, ...: within a suite the systems still
        // alternate, and a run that outgrows its budget has measured every suite once before it skips.
        jobs.sort(java.util.Comparator.comparingInt(job -> job.slot().round()));
        long deadline = t0 + (long) (plan.budgetSeconds() * 1e9);
        for (int j = 0; j < jobs.size(); j++) {
            String suite = jobs.get(j).suite();
            Schedule.Slot slot = jobs.get(j).slot();
            WorkerSpec w = slot.worker();
            if (slot.round() > 1 && System.nanoTime() > deadline) {
                notes.add(w.label() + ", " + suite + " round " + slot.round() + ": skipped, the run's time budget of "
                        + Math.round(plan.budgetSeconds()) + " s was spent");
                continue;
            }
            int round = slot.round();
            long timeout = workerTimeout(deadline - System.nanoTime(), (int) jobs.subList(j, jobs.size()).stream().filter(x -> x.slot().round() == round).count());
            Path log = logs.resolve(suite + "-" + w.label().replaceAll("[^A-Za-z0-9=_.-]+", "_") + "-r" + slot.round() + ".log");
            WorkerRunner.Run run = WorkerRunner.run(w, root, log, timeout);
            System.err.printf(Locale.ROOT, "bench: %-7s round %d/%d  %-32s %6.1f s%s%n", suite, slot.round(), plan.rounds(),
                    w.label(), run.seconds(), run.ok() ? "" : run.timedOut() ? "  (stopped: over its time limit)" : "  (FAILED, exit " + run.exitCode() + ")");
            for (Measurement m : run.output().measurements()) {
                raw.add(w.variant().isEmpty() ? m : m.withCase(m.caseName() + " [" + w.variant() + "]"));
            }
            for (String u : run.output().unsupported()) notes.add(w.system() + " has no layer for " + u);
            if (!run.output().info().isEmpty()) workerInfo.putIfAbsent(w.label(), new LinkedHashMap<>(run.output().info()));
            if (!run.ok()) {
                notes.add(w.label() + ", " + suite + " round " + slot.round() + ": " + (run.timedOut()
                        ? "stopped after " + timeout + " s, its share of the run's time budget (its finished cases are kept)"
                        : "exited with status " + run.exitCode()) + "; log: " + out.relativize(log));
            }
        }
        Map<String, Object> machine = Machine.describe(command, now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")), loadBefore, status);
        machine.put("load_after", Machine.loadAverage());
        machine.put("seconds", Math.round((System.nanoTime() - t0) * 1e-9 * 10) / 10.0);
        machine.put("workers", workerInfo);
        machine.put("notes", new ArrayList<Object>(notes));
        Results results = Results.aggregate(machine, raw);
        AtomicFiles.writeString(out.resolve("results.json"), Json.writePretty(results.toJson()) + "\n");
        List<String> charts = Charts.write(results, out);
        AtomicFiles.writeString(out.resolve("report.md"), Report.markdown(results, charts));
        System.err.printf(Locale.ROOT, "bench: done in %.0f s; report: %s%n", (System.nanoTime() - t0) * 1e-9, out.resolve("report.md"));
        return 0;
    }

    /**
     * The limit of one worker run: its even share of the time left before the run's budget ends
     * among the runs left in its round (round 1 of every suite comes first and may use the whole
     * budget; later rounds share what is left), at least 30 s, at most 15 minutes. A stopped worker
     * keeps the cases it finished.
     */
    static long workerTimeout(long nanosLeft, int runsLeftInRound) {
        long share = Math.max(0, nanosLeft) / 1_000_000_000L / Math.max(1, runsLeftInRound);
        return Math.max(30, Math.min(900, share));
    }

    static List<String> cases(Plan plan, String suite) {
        return switch (suite) {
            case "gemm" -> plan.gemmShapes();
            case "rnn" -> plan.rnnCases(c -> LayerRegistry.contains(Plan.recurLayer(c)));
            case "stream" -> plan.streamCases(c -> LayerRegistry.contains(Plan.recurLayer(c)));
            case "modern" -> plan.modernCases(LayerRegistry::contains);
            case "pararnn" -> plan.pararnnCases(LayerRegistry::contains, PARARNN_LAYERS);
            default -> throw new IllegalArgumentException("unknown suite " + suite);
        };
    }

    /** Recur's worker: this JVM's java and class path, with the Vector API module. */
    static WorkerSpec recurWorker(String suite, List<String> cases, Plan plan) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseParallelGC", "-Xss8m", "-Xmx6g", "-cp", System.getProperty("java.class.path"),
                RecurWorker.class.getName(), "--suite", suite, "--cases", String.join(",", cases),
                "--input", Integer.toString(Plan.INPUT), "--warmup", Double.toString(plan.warmup()), "--min-time", Double.toString(plan.minTime()),
                "--max-samples", Integer.toString(plan.maxSamples()), "--steps", Integer.toString(plan.streamSteps())));
        if (suite.equals("gemm")) {
            cmd.add("--threads");
            cmd.add(String.join(",", plan.gemmThreads().stream().map(String::valueOf).toList()));
        }
        return new WorkerSpec("recur", "", cmd, Map.of());
    }
}
