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

/** classify and anomaly train briefly from the command line and report their metric keys. */
class TasksCliTest {
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
    void classifyCsvWithSoftmaxAndSvmHeads() throws Exception {
        StringBuilder sb = new StringBuilder("label,t0,t1,t2,t3\n");
        for (int i = 0; i < 60; i++) {
            int c = i % 3;
            sb.append(c);
            for (int t = 0; t < 4; t++) sb.append(',').append(c * 2 + ((i * 7 + t) % 5) * 0.1);
            sb.append('\n');
        }
        Path csv = Files.writeString(dir.resolve("seq.csv"), sb.toString());
        for (String head : List.of("softmax", "svm")) {
            Map<String, Object> line = trainAndEval("--task", "classify", "--data", csv.toString(), "--head", head, "--model", "gru:1x8", "--steps", "10");
            assertEquals(List.of("accuracy", "macro_f1", "per_class_f1", "confusion"), List.copyOf(metrics(line).keySet()));
            assertEquals(3, ((List<?>) metrics(line).get("confusion")).size());
        }
        Path out = dir.resolve("labels.csv");
        CliRun predict = CliRun.of("predict", "--model", dir.resolve("run-classify/model.recur").toString(), "--data", csv.toString(), "--out", out.toString());
        assertEquals(0, predict.exit(), predict.err());
        List<String> rows = Files.readAllLines(out);
        assertEquals("example,label,predicted,score_0,score_1,score_2", rows.get(0));
        assertEquals(61, rows.size());
    }

    @Test
    void anomalyBesideTheZScoreBaseline() throws Exception {
        StringBuilder sb = new StringBuilder("reading,value,label\n");
        for (int i = 0; i < 400; i++) {
            boolean spike = i % 37 == 0 && i > 0;
            sb.append(i).append(',').append(Math.sin(i * 0.3) + (spike ? 4 : 0)).append(',').append(spike ? 1 : 0).append('\n');
        }
        Path csv = Files.writeString(dir.resolve("a.csv"), sb.toString());
        Map<String, Object> line = trainAndEval("--task", "anomaly", "--data", csv.toString(), "--context", "8", "--model", "gru:1x8", "--steps", "6");
        assertEquals(List.of("precision", "recall", "f1", "roc_auc", "threshold"), List.copyOf(metrics(line).keySet()));
        assertTrue(((Map<?, ?>) line.get("baselines")).containsKey("z_score"));
    }
}
