package dev.recur.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The peers of {@code recur bench}, how to tell whether each is installed, and the worker processes
 * that run them:
 * <ul>
 *   <li>{@code torch}: PyTorch CPU through {@code peers/torch_bench.py}, one process per intra-op
 *       thread count (1 and 2: its best is quoted, both are shown; 1 only with --quick);</li>
 *   <li>{@code openblas}: OpenBLAS sgemm through NumPy, {@code peers/numpy_sgemm.py}, 1 and 2 threads;</li>
 *   <li>{@code dl4j}: Deeplearning4j 1.0.0-M2.1 (module recur-bench-dl4j, Java 17) at its defaults,
 *       with {@code OMP_NUM_THREADS=1} and with {@code OMP_WAIT_POLICY=PASSIVE} (its best quoted;
 *       {@code OMP_NUM_THREADS=1} only with --quick).</li>
 * </ul>
 */
public final class Peers {
    public static final List<String> ALL = List.of("torch", "dl4j", "openblas");
    public static final String APT = "apt-get install python3-torch python3-numpy libopenblas0-pthread";
    static final String DL4J_BUILD = "./mvnw -B -Pdl4j -pl recur-bench-dl4j package -DskipTests"
            + " (downloads Deeplearning4j, ~150 MB) and a Java 17 runtime (apt-get install openjdk-17-jre-headless)";

    private final Path root;
    private final String python;

    public Peers(Path root) {
        this(root, Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3");
    }

    /** With an explicit Python interpreter (tests use one that is not there). */
    Peers(Path root, String python) {
        this.root = root;
        this.python = python;
    }

    public PeerStatus detect(String peer) {
        return switch (peer) {
            case "torch" -> python("torch", "import torch, numpy; print(torch.__version__)");
            case "openblas" -> openblas();
            case "dl4j" -> dl4j();
            default -> throw new IllegalArgumentException("unknown peer " + peer);
        };
    }

    private PeerStatus python(String name, String probe) {
        String[] out = probe(List.of(python, "-c", probe));
        if (out == null) return PeerStatus.missing(name, "python3 cannot import it", APT);
        return PeerStatus.found(name, out[0]);
    }

    /** NumPy, and OpenBLAS under it: Debian's NumPy falls back to the reference BLAS when libopenblas0 is absent. */
    private PeerStatus openblas() {
        String[] out = probe(List.of(python, "-c", "import numpy; numpy.ones((2, 2), numpy.float32) @ numpy.ones((2, 2), numpy.float32)\n"
                + "libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if 'libopenblas' in l and '.so' in l})\n"
                + "print('numpy ' + numpy.__version__ + (', ' + libs[0].rsplit('/', 1)[-1] if libs else ''))\n"
                + "print('yes' if libs else 'no')"));
        if (out == null) return PeerStatus.missing("openblas", "python3 cannot import numpy", APT);
        if (out.length < 2 || !out[1].strip().equals("yes")) {
            return PeerStatus.missing("openblas", out[0].strip() + " runs on the reference BLAS, not OpenBLAS", APT);
        }
        return PeerStatus.found("openblas", out[0].strip());
    }

    private PeerStatus dl4j() {
        Path lib = root.resolve("recur-bench-dl4j/target/lib");
        Path classes = root.resolve("recur-bench-dl4j/target/classes/dev/recur/bench/dl4j/Dl4jWorker.class");
        String version = null;
        try (var files = Files.list(lib)) {
            version = files.map(p -> p.getFileName().toString())
                    .filter(f -> f.startsWith("deeplearning4j-nn-") && f.endsWith(".jar"))
                    .map(f -> f.substring("deeplearning4j-nn-".length(), f.length() - 4)).findFirst().orElse(null);
        } catch (IOException e) {
            // not built
        }
        if (version == null || !Files.exists(classes)) {
            return PeerStatus.missing("dl4j", "recur-bench-dl4j is not built", DL4J_BUILD);
        }
        String java = dl4jJava();
        if (java == null) return PeerStatus.missing("dl4j", "no Java 11-21 runtime for Deeplearning4j", DL4J_BUILD);
        return PeerStatus.found("dl4j", version + " (Java at " + java + ")");
    }

    /** A JDK Deeplearning4j 1.0.0-M2.1 runs on: $RECUR_DL4J_JAVA, else Debian's Java 17, else Java 11. */
    String dl4jJava() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("RECUR_DL4J_JAVA");
        if (env != null && !env.isBlank()) candidates.add(env);
        candidates.add("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        candidates.add("/usr/lib/jvm/java-11-openjdk-amd64/bin/java");
        for (String c : candidates) if (Files.isExecutable(Path.of(c))) return c;
        return null;
    }

    /** The worker processes of one suite for this peer (empty when the peer does not run that suite). */
    public List<WorkerSpec> workers(String peer, String suite, List<String> cases, Plan plan) {
        List<WorkerSpec> out = new ArrayList<>();
        String joined = String.join(",", cases);
        String minTime = Double.toString(plan.minTime()), samples = Integer.toString(plan.maxSamples()), warmup = Double.toString(plan.warmup());
        switch (peer) {
            case "torch" -> {
                if (!suite.equals("rnn") && !suite.equals("stream")) break;
                // A quick run takes one thread only: torch 1.13's two-thread pool spins badly on a loaded
                // machine (minutes per suite); the full run measures and shows both.
                for (int t : plan.quick() ? new int[] {1} : new int[] {1, 2}) {
                    String n = Integer.toString(t);
                    out.add(new WorkerSpec("torch", "threads=" + t,
                            List.of(python, root.resolve("recur-bench/peers/torch_bench.py").toString(), "--suite", suite,
                                    "--cases", joined, "--threads", n, "--input", Integer.toString(Plan.INPUT), "--warmup", warmup,
                                    "--min-time", minTime, "--max-samples", samples, "--steps", Integer.toString(plan.streamSteps())),
                            Map.of("OMP_NUM_THREADS", n, "MKL_NUM_THREADS", n)));
                }
            }
            case "openblas" -> {
                if (!suite.equals("gemm")) break;
                // Thread counts are in the case names (Recur runs the same ones); the script forks one child per count.
                out.add(new WorkerSpec("openblas", "",
                        List.of(python, root.resolve("recur-bench/peers/numpy_sgemm.py").toString(), "--shapes", joined,
                                "--threads", "1,2", "--repeats", plan.quick() ? "5" : "11",
                                "--min-time", plan.quick() ? "0.03" : "0.08"),
                        Map.of()));
            }
            case "dl4j" -> {
                if (!suite.equals("rnn") && !suite.equals("stream")) break;
                // Deeplearning4j runs these recurrences 5-10x slower than torch: it takes the table's
                // cases and the curves' points up to T = 1024 and H = 1024, so that its three
                // configurations fit the run's time budget.
                List<String> own = cases.stream().filter(c -> !suite.equals("rnn") || dl4jSized(c)).toList();
                if (own.isEmpty()) break;
                joined = String.join(",", own);
                String java = dl4jJava();
                List<String> cmd = List.of(java == null ? "java" : java, "-Xmx4g",
                        "-cp", root.resolve("recur-bench-dl4j/target/classes") + ":" + root.resolve("recur-bench-dl4j/target/lib") + "/*",
                        "dev.recur.bench.dl4j.Dl4jWorker", "--suite", suite, "--cases", joined, "--input", Integer.toString(Plan.INPUT), "--warmup", warmup,
                        "--min-time", minTime, "--max-samples", samples, "--steps", Integer.toString(plan.streamSteps()));
                // On a quick run only the single-thread configuration: the OpenMP defaults spin on a loaded
                // machine and can take minutes per case; the full run measures all three.
                if (!plan.quick()) out.add(new WorkerSpec("dl4j", "default", cmd, Map.of()));
                out.add(new WorkerSpec("dl4j", "OMP_NUM_THREADS=1", cmd, Map.of("OMP_NUM_THREADS", "1")));
                if (!plan.quick()) out.add(new WorkerSpec("dl4j", "OMP_WAIT_POLICY=PASSIVE", cmd, Map.of("OMP_WAIT_POLICY", "PASSIVE")));
            }
            default -> throw new IllegalArgumentException("unknown peer " + peer);
        }
        return out;
    }

    static boolean dl4jSized(String rnnSpec) {
        String[] p = rnnSpec.split(":");
        return Integer.parseInt(p[1]) <= 1024 && Integer.parseInt(p[2]) <= 1024;
    }

    /** Runs a short probe; its stdout lines, or null when it fails or takes over a minute. */
    private static String[] probe(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            String s = new String(out, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s.split("\n");
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
