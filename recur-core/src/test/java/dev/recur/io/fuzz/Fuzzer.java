package dev.recur.io.fuzz;

import dev.recur.io.FormatException;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A bounded, deterministic mutation fuzzer for parsers. Each input, mutated from valid seed files by
 * {@link Mutator}, must either be accepted by the target (which checks what it parsed for
 * self-consistency and throws {@link AssertionError} otherwise) or be rejected with a
 * {@link FormatException} whose message names the source on one line. Anything else fails the
 * test: another exception, an error, allocating far more than the input's size (a size taken from
 * a header before it was checked), or a hang.
 *
 * <p>{@code -Drecur.fuzz.seconds=N} sets the time per target (default {@value #DEFAULT_SECONDS});
 * {@code -Drecur.fuzz.seed=S} the seed; {@code -Drecur.fuzz.verbose=true} lists the kinds of
 * rejection reached. The sequence of inputs depends only on the seed, so a
 * failure, reported with its seed and input number and saved under target/fuzz-failures, repeats.
 */
public final class Fuzzer {
    public static final double DEFAULT_SECONDS = 6;
    public static final long DEFAULT_SEED = 20251122L;
    /** Bytes a parser may allocate per input byte, plus a fixed allowance (exceptions, maps, decoding to float/long). */
    private static final long ALLOC_PER_BYTE = 128;
    private static final long ALLOC_FIXED = 8L << 20;

    /** What a target does with one input. */
    @FunctionalInterface
    public interface Target {
        void run(byte[] input, String source);
    }

    /** Counts of one run. */
    public record Report(String name, long inputs, long accepted, long rejected, int distinctProblems, double seconds) {
        @Override
        public String toString() {
            return String.format("fuzz %s: %d inputs in %.1f s, %d accepted, %d rejected with %d distinct problems",
                    name, inputs, seconds, accepted, rejected, distinctProblems);
        }
    }

    private Fuzzer() {}

    public static double seconds() {
        return Double.parseDouble(System.getProperty("recur.fuzz.seconds", Double.toString(DEFAULT_SECONDS)));
    }

    public static long seed() {
        return Long.parseLong(System.getProperty("recur.fuzz.seed", Long.toString(DEFAULT_SEED)));
    }

    /** Fuzzes {@code target} for the configured time and returns the counts. */
    public static Report run(String name, List<byte[]> seeds, Codec codec, Target target) {
        double budget = seconds();
        long seed = seed();
        long deadline = System.nanoTime() + (long) (budget * 1e9);
        return assertTimeoutPreemptively(Duration.ofMillis((long) (budget * 1000) + 60_000), () -> {
            Mutator mutator = new Mutator(seed, seeds, codec);
            String source = name + "-input";
            Set<String> problems = new HashSet<>();
            long inputs = 0, accepted = 0;
            long start = System.nanoTime();
            // The seeds themselves first: they must all be accepted.
            for (byte[] s : seeds) {
                inputs++;
                runOne(name, seed, inputs, s, source, target, problems, true);
                accepted++;
            }
            while (System.nanoTime() < deadline) {
                byte[] in = mutator.next();
                inputs++;
                if (runOne(name, seed, inputs, in, source, target, problems, false)) {
                    accepted++;
                    mutator.addToCorpus(in);
                }
            }
            Report r = new Report(name, inputs, accepted, inputs - accepted, problems.size(), (System.nanoTime() - start) / 1e9);
            System.out.println(r);
            if (Boolean.getBoolean("recur.fuzz.verbose")) problems.stream().sorted().forEach(p -> System.out.println("  " + p));
            return r;
        }, () -> "fuzz " + name + " hung (seed " + seed + ")");
    }

    /** Runs one input; true if accepted, false if rejected properly. */
    private static boolean runOne(String name, long seed, long index, byte[] in, String source, Target target,
                                  Set<String> problems, boolean mustAccept) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        boolean ok;
        try {
            target.run(in, source);
            ok = true;
        } catch (FormatException e) {
            if (mustAccept) throw failure(name, seed, index, in, "a seed input was rejected", e);
            String m = e.getMessage();
            if (!m.startsWith(source + ": ") || m.contains("\n") || m.length() > 1000) {
                throw failure(name, seed, index, in, "message does not name the source on one short line: " + m, e);
            }
            problems.add(kindOf(m));
            ok = false;
        } catch (Throwable t) {
            throw failure(name, seed, index, in, "threw " + t, t);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        long allowed = ALLOC_PER_BYTE * in.length + ALLOC_FIXED;
        if (allocated > allowed) {
            throw failure(name, seed, index, in, "allocated " + allocated + " bytes for an input of " + in.length + " bytes", null);
        }
        return ok;
    }

    /** The message with quoted text and numbers blanked out: one entry per kind of problem. */
    private static String kindOf(String message) {
        return message.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"…\"").replaceAll("'[^']*'", "'…'").replaceAll("[0-9]+", "#");
    }

    private static AssertionError failure(String name, long seed, long index, byte[] in, String what, Throwable cause) {
        Path dir = Path.of("target", "fuzz-failures");
        String file = name + "-seed" + seed + "-input" + index + ".bin";
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(file), in);
        } catch (IOException e) {
            file = "(not saved: " + e + ")";
        }
        String b64 = in.length <= 4096 ? " base64 " + Base64.getEncoder().encodeToString(in) : "";
        return new AssertionError("fuzz " + name + " (seed " + seed + ", input " + index + ", saved as target/fuzz-failures/"
                + file + "): " + what + b64, cause);
    }

    /** Fails unless the run was long enough to mean something and reached past the first checks. */
    public static void assertEffective(Report r, int minDistinctProblems) {
        assertTrue(r.inputs() >= 1000, r + ": too few inputs to mean anything");
        assertTrue(r.accepted() > r.inputs() / 1000, r + ": almost nothing was accepted, the mutations are too destructive");
        assertTrue(r.distinctProblems() >= minDistinctProblems, r + ": fewer distinct rejections than " + minDistinctProblems);
        if (r.rejected() == 0) fail(r + ": nothing was rejected");
    }
}
