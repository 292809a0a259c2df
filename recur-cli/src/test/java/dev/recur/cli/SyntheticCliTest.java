package dev.recur.cli;

import dev.recur.io.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthetic tasks train briefly from the command line; eval measures another sequence length. */
class SyntheticCliTest {
    @TempDir
    Path dir;

    private Map<String, Object> trainAndEval(String... args) {
        Path run = dir.resolve("run-" + args[1]);
        String[] all = new String[args.length + 5];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--out";
        all[args.length + 2] = run.toString();
        all[args.length + 3] = "--quiet";
        all[args.length + 4] = "--batch=16";
        CliRun train = CliRun.of(all);
        assertEquals(0, train.exit(), train.err());
        Map<String, Object> line = Json.parseObject(train.lastLine(), "train");
        assertEquals(args[1], line.get("task"));
        return line;
    }

    private static Map<?, ?> metrics(Map<String, Object> line) {
        return (Map<?, ?>) line.get("metrics");
    }

    @Test
    void syntheticTasksAndLengthExtrapolation() {
        for (String t : List.of("mqar", "parity", "selective-copy", "adding")) {
            Map<String, Object> line = trainAndEval("--task", t, "--seq-len", "16", "--vocab", "32", "--kv-pairs", "2", "--copy-tokens", "3",
                    "--train-examples", "64", "--test-examples", "32", "--model", "gla:1x8", "--steps", "2");
            assertTrue(metrics(line).containsKey("accuracy"), t);
        }
        CliRun longer = CliRun.of("eval", "--model", dir.resolve("run-mqar/model.recur").toString(), "--seq-len", "24", "--quiet");
        assertEquals(0, longer.exit(), longer.err());
        assertEquals("mqar", Json.parseObject(longer.lastLine(), "eval").get("task"));
    }

}
