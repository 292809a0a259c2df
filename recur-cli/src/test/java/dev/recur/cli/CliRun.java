package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recur.io.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs the command line in this JVM and captures what it prints. */
record CliRun(int exit, String out, String err) {
    static synchronized CliRun of(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    String lastLine() {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    /**
     * The last line as JSON without train's {@code best_step}: what {@code eval} of the same weights
     * on the same data prints.
     */
    Map<String, Object> testedLine() {
        Map<String, Object> line = new java.util.LinkedHashMap<>(Json.parseObject(lastLine(), "last line"));
        line.remove("best_step");
        return line;
    }

    /**
     * Runs {@code recur train ARGS --out DIR/run-TASK --quiet --batch=16} (ARGS start with
     * {@code --task TASK}), checks that it succeeds and reports that task, and returns its JSON line.
     */
    static Map<String, Object> trainBriefly(Path dir, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--out";
        all[args.length + 2] = dir.resolve("run-" + args[1]).toString();
        all[args.length + 3] = "--quiet";
        all[args.length + 4] = "--batch=16";
        CliRun train = of(all);
        assertEquals(0, train.exit(), train.err());
        Map<String, Object> line = Json.parseObject(train.lastLine(), "train");
        assertEquals(args[1], line.get("task"));
        return line;
    }

    /** The "metrics" object of a JSON line. */
    static Map<?, ?> metrics(Map<String, Object> line) {
        return (Map<?, ?>) line.get("metrics");
    }
}
