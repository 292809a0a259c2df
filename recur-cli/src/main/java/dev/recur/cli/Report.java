package dev.recur.cli;

import dev.recur.io.json.Json;
import dev.recur.task.Task;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The end of train and eval: a table of the test metrics beside the baselines, then the evaluation
 * JSON as the last line ({@code task}, {@code metrics}, {@code baselines}; after training also
 * {@code best_step}, the step whose weights were kept as best on validation and tested).
 */
final class Report {
    private Report() {}

    /** {@code bestStep}: the training step of the tested weights, or null after eval. */
    static void print(Task task, Map<String, Object> metrics, Path dir, boolean quiet, Long bestStep) {
        Map<String, Object> baselines = task.baselines();
        if (!quiet) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s", "test"));
            metrics.forEach((k, v) -> {
                if (v instanceof Number) sb.append(String.format(Locale.ROOT, "%12s", k));
            });
            System.out.println(sb);
            System.out.println(row("model", metrics, metrics));
            baselines.forEach((name, m) -> System.out.println(row(name, (Map<?, ?>) m, metrics)));
            if (bestStep != null) System.out.println("tested: the weights of step " + bestStep + " (best on validation)");
            if (dir != null) System.out.println("saved " + dir.resolve("model.recur") + ", last.ckpt, metrics.jsonl, curves.png in " + dir);
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("task", task.name());
        line.put("metrics", metrics);
        line.put("baselines", baselines);
        if (bestStep != null) line.put("best_step", bestStep);
        System.out.println(Json.write(line));
    }

    /** The numbers of {@code m} in the order of the model's numeric metrics (lists such as the confusion matrix are only in the JSON). */
    private static String row(String name, Map<?, ?> m, Map<String, Object> columns) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s", name));
        columns.forEach((k, ignored) -> {
            if (!(ignored instanceof Number)) return;
            Object v = m.get(k);
            sb.append(v instanceof Number n ? String.format(Locale.ROOT, "%12.4f", n.doubleValue()) : String.format("%12s", "-"));
        });
        return sb.toString();
    }
}
