package dev.recur.cli;

import dev.recur.io.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharLmCliTest {
    @Test
    void trainEvalAndGenerate(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("t.txt"), "the cat sat on the mat. ".repeat(60));
        Path run = dir.resolve("lm");
        CliRun train = CliRun.of("train", "--task", "charlm", "--data", text.toString(), "--model", "gla:1x16", "--seq-len", "16",
                "--steps", "20", "--lr", "1e-2", "--out", run.toString());
        assertEquals(0, train.exit(), train.err());
        Map<String, Object> line = Json.parseObject(train.lastLine(), "out");
        double bpc = ((Number) ((Map<?, ?>) line.get("metrics")).get("bpc")).doubleValue();
        assertTrue(bpc < Math.log(9) / Math.log(2), "better than uniform over the 9 characters: " + bpc);

        CliRun eval = CliRun.of("eval", "--model", run.resolve("model.recur").toString(), "--task", "charlm", "--data", text.toString());
        long bestStep = ((Number) line.get("best_step")).longValue(); // validations at steps 2, 4, ..., 20
        assertTrue(bestStep >= 2 && bestStep <= 20 && bestStep % 2 == 0, "best_step " + bestStep);
        assertEquals(train.testedLine(), eval.testedLine()); // the same weights on the same test split

        CliRun gen = CliRun.of("generate", "--model", run.resolve("model.recur").toString(), "--prompt", "the ", "--length", "20",
                "--top-k", "3", "--temperature", "0.5");
        assertEquals(0, gen.exit(), gen.err());
        String out = gen.out().strip();
        assertTrue(out.startsWith("the ") && out.codePointCount(0, out.length()) == 24, out);
        for (char c : out.toCharArray()) assertTrue("the catsonm.".indexOf(c) >= 0, "only characters of the text: " + out);

        CliRun bad = CliRun.of("generate", "--model", run.resolve("model.recur").toString(), "--prompt", "the dog");
        assertEquals(2, bad.exit());
        assertEquals("recur: prompt character 'd' (U+0064) is not in the model's vocabulary", bad.err().strip());
    }
}
