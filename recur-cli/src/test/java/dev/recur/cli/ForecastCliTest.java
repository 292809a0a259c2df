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

/** train, eval and predict on a small forecasting CSV, end to end through the command line. */
class ForecastCliTest {
    static Path sineCsv(Path dir, int rows) throws Exception {
        StringBuilder sb = new StringBuilder("time,value\n");
        for (int i = 0; i < rows; i++) sb.append(i).append(',').append(50 + 40 * Math.sin(i * 2 * Math.PI / 12)).append('\n');
        return Files.writeString(dir.resolve("sine.csv"), sb.toString());
    }

    @Test
    void trainThenEvalThenPredict(@TempDir Path dir) throws Exception {
        Path csv = sineCsv(dir, 240), run = dir.resolve("run");
        CliRun train = CliRun.of("train", "--task", "forecast", "--data", csv.toString(), "--model", "gla:1x8", "--context", "12",
                "--horizon", "3", "--steps", "8", "--batch", "16", "--out", run.toString());
        assertEquals(0, train.exit(), train.err());
        for (String f : List.of("model.recur", "last.ckpt", "metrics.jsonl", "curves.png")) assertTrue(Files.exists(run.resolve(f)), f);
        Map<String, Object> line = Json.parseObject(train.lastLine(), "train output");
        assertEquals("forecast", line.get("task"));
        assertEquals(List.of("mae", "rmse", "smape"), List.copyOf(((Map<?, ?>) line.get("metrics")).keySet()));
        assertEquals(List.of("naive", "seasonal_naive"), List.copyOf(((Map<?, ?>) line.get("baselines")).keySet()));
        assertEquals(List.of("mae", "rmse", "smape"), List.copyOf(((Map<?, ?>) ((Map<?, ?>) line.get("baselines")).get("naive")).keySet()));

        CliRun eval = CliRun.of("eval", "--model", run.resolve("model.recur").toString(), "--data", csv.toString());
        assertEquals(0, eval.exit(), eval.err());
        long bestStep = ((Number) line.get("best_step")).longValue(); // a validation every step here
        assertTrue(bestStep >= 1 && bestStep <= 8, "best_step " + bestStep);
        assertEquals(train.testedLine(), eval.testedLine()); // the same weights on the same test split

        Path out = dir.resolve("forecast.csv");
        CliRun predict = CliRun.of("predict", "--model", run.resolve("model.recur").toString(), "--data", csv.toString(), "--out", out.toString());
        assertEquals(0, predict.exit(), predict.err());
        List<String> rows = Files.readAllLines(out);
        assertEquals("step,forecast", rows.get(0));
        assertEquals(4, rows.size());

        // a second run into the same directory starts afresh instead of failing
        CliRun again = CliRun.of("train", "--data", csv.toString(), "--model", "gla:1x8", "--context", "12", "--horizon", "3",
                "--steps", "2", "--quiet", "--out", run.toString());
        assertEquals(0, again.exit(), again.err());
        assertEquals(1, again.out().strip().split("\n").length, again.out()); // --quiet: the JSON line only
        assertEquals(2, Files.readAllLines(run.resolve("metrics.jsonl")).size()); // steps 1 and 2 (eval every max(1, 2/10)); none of the first run's 8
    }

    /** --resume rebuilds the task (data path included), model and settings from last.ckpt alone. */
    @Test
    void resumeOfAFinishedRunReportsTheSameTest(@TempDir Path dir) throws Exception {
        Path csv = sineCsv(dir, 200), run = dir.resolve("run");
        CliRun train = CliRun.of("train", "--data", csv.toString(), "--model", "gru:1x8", "--context", "12", "--horizon", "2",
                "--steps", "4", "--quiet", "--out", run.toString());
        assertEquals(0, train.exit(), train.err());
        CliRun resumed = CliRun.of("train", "--resume", run.toString(), "--quiet");
        assertEquals(0, resumed.exit(), resumed.err());
        assertEquals(train.lastLine(), resumed.lastLine());
        CliRun missing = CliRun.of("train", "--resume", dir.resolve("nothing").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("no checkpoint to resume from"), missing.err());
    }

    @Test
    void helpListsDefaults() {
        CliRun help = CliRun.of("train", "--help");
        assertEquals(0, help.exit());
        for (String s : List.of("--batch", "(default: 32)", "--lr", "(default: 3e-3)", "--seed", "--context", "(default: 60)",
                "--horizon", "(default: 12)", "--task", "(default: forecast)", "--resume")) {
            assertTrue(help.out().replaceAll("\\s+", " ").contains(s), s + " in\n" + help.out());
        }
    }
}
