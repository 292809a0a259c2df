package dev.recur.cli;

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
            Map<String, Object> line = CliRun.trainBriefly(dir, "--task", "classify", "--data", csv.toString(), "--head", head, "--model", "gru:1x8", "--steps", "10");
            assertEquals(List.of("accuracy", "macro_f1", "per_class_f1", "confusion"), List.copyOf(CliRun.metrics(line).keySet()));
            assertEquals(3, ((List<?>) CliRun.metrics(line).get("confusion")).size());
        }
        Path out = dir.resolve("labels.csv");
        CliRun predict = predict(csv, out);
        assertEquals(0, predict.exit(), predict.err());
        List<String> rows = Files.readAllLines(out);
        assertEquals("example,label,predicted,score_0,score_1,score_2", rows.get(0));
        assertEquals(61, rows.size());

        // new data: no label column, any number of rows; the predictions are the labelled run's
        // (scores to rounding: a batch of 3 rows may take another GEMM path than one of 60)
        String[] labelled = sb.toString().split("\n");
        StringBuilder fresh = new StringBuilder("t0,t1,t2,t3\n");
        for (int i = 1; i <= 3; i++) fresh.append(labelled[i].substring(labelled[i].indexOf(',') + 1)).append('\n');
        Path out2 = dir.resolve("labels2.csv");
        CliRun again = predict(Files.writeString(dir.resolve("new.csv"), fresh.toString()), out2);
        assertEquals(0, again.exit(), again.err());
        List<String> rows2 = Files.readAllLines(out2);
        assertEquals("example,predicted,score_0,score_1,score_2", rows2.get(0));
        assertEquals(4, rows2.size());
        for (int i = 1; i < 4; i++) {
            String[] a = rows.get(i).split(","), b = rows2.get(i).split(",");
            assertEquals(a[0], b[0], "example, row " + i);
            assertEquals(a[2], b[1], "predicted class, row " + i);
            for (int k = 0; k < 3; k++) assertEquals(Double.parseDouble(a[3 + k]), Double.parseDouble(b[2 + k]), 1e-5, "score " + k + ", row " + i);
        }

        // the wrong number of step columns: one line, exit 2, no file
        Path narrow = Files.writeString(dir.resolve("narrow.csv"), "t0,t1\n1,2\n");
        Path out3 = dir.resolve("labels3.csv");
        CliRun bad = predict(narrow, out3);
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("expected 4 step columns besides 'label' (as in the training data), found 2"), bad.err());
        assertTrue(Files.notExists(out3));
    }

    /** {@code recur predict} with the classifier that the first test trains. */
    private CliRun predict(Path data, Path out) {
        return CliRun.of("predict", "--model", dir.resolve("run-classify/model.recur").toString(), "--data", data.toString(), "--out", out.toString());
    }

    @Test
    void anomalyBesideTheZScoreBaseline() throws Exception {
        StringBuilder sb = new StringBuilder("reading,value,label\n");
        for (int i = 0; i < 400; i++) {
            boolean spike = i % 37 == 0 && i > 0;
            sb.append(i).append(',').append(Math.sin(i * 0.3) + (spike ? 4 : 0)).append(',').append(spike ? 1 : 0).append('\n');
        }
        Path csv = Files.writeString(dir.resolve("a.csv"), sb.toString());
        Map<String, Object> line = CliRun.trainBriefly(dir, "--task", "anomaly", "--data", csv.toString(), "--context", "8", "--model", "gru:1x8", "--steps", "6");
        assertEquals(List.of("precision", "recall", "f1", "roc_auc", "threshold"), List.copyOf(CliRun.metrics(line).keySet()));
        assertTrue(((Map<?, ?>) line.get("baselines")).containsKey("z_score"));
    }
}
