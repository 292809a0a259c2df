package dev.recur.cli;

import dev.recur.io.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthetic tasks train briefly from the command line; eval measures another sequence length. */
class SyntheticCliTest {
    @TempDir
    Path dir;

    @Test
    void syntheticTasksAndLengthExtrapolation() {
        for (String t : List.of("mqar", "parity", "selective-copy", "adding")) {
            Map<String, Object> line = CliRun.trainBriefly(dir, "--task", t, "--seq-len", "16", "--vocab", "32", "--kv-pairs", "2", "--copy-tokens", "3",
                    "--train-examples", "64", "--test-examples", "32", "--model", "gla:1x8", "--steps", "2");
            assertTrue(CliRun.metrics(line).containsKey("accuracy"), t);
        }
        CliRun longer = CliRun.of("eval", "--model", dir.resolve("run-mqar/model.recur").toString(), "--seq-len", "24", "--quiet");
        assertEquals(0, longer.exit(), longer.err());
        assertEquals("mqar", Json.parseObject(longer.lastLine(), "eval").get("task"));
        // parity labels every step by default; eval at 4x the length reports both accuracies
        CliRun parity = CliRun.of("eval", "--model", dir.resolve("run-parity/model.recur").toString(), "--seq-len", "64", "--quiet");
        assertEquals(0, parity.exit(), parity.err());
        Map<?, ?> m = CliRun.metrics(Json.parseObject(parity.lastLine(), "eval"));
        assertTrue(m.containsKey("accuracy") && m.containsKey("step_accuracy"), m.toString());
    }

    @Test
    void mqarZoologyOptionsAndBadValues() {
        Map<String, Object> line = CliRun.trainBriefly(dir, "--task", "mqar", "--seq-len", "16", "--vocab", "64", "--kv-pairs", "2", "--mqar-fill", "zero",
                "--train-examples", "32", "--test-examples", "16", "--model", "gla:1x8,tie=true", "--steps", "2");
        assertTrue(CliRun.metrics(line).containsKey("accuracy"));
        CliRun bad = CliRun.of("train", "--task", "parity", "--parity-labels", "middle", "--steps", "1", "--out", dir.resolve("bad").toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--parity-labels"), bad.err());
    }

}
