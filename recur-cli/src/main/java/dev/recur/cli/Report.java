package dev.recur.cli;

import dev.recur.io.json.Json;
import dev.recur.task.Task;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The end of train and eval: a table of the test metrics beside the baselines, then the evaluation JSON as the last line. */
final class Report {
    private Report() {}

    static void print(Task task, Map<String, Object> metrics, Path dir, boolean quiet) {
        Map<String, Object> baselines = task.baselines();
        if (!quiet) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s", "test"));
            for (String k : metrics.keySet()) sb.append(String.format(Locale.ROOT, "%12s", k));
            System.out.println(sb);
            System.out.println(row("model", metrics));
            baselines.forEach((name, m) -> System.out.println(row(name, (Map<?, ?>) m)));
            if (dir != null) System.out.println("saved " + dir.resolve("model.recur") + ", last.ckpt, metrics.jsonl, curves.png in " + dir);
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("task", task.name());
        line.put("metrics", metrics);
        line.put("baselines", baselines);
        System.out.println(Json.write(line));
    }

    private static String row(String name, Map<?, ?> m) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s", name));
        m.forEach((k, v) -> sb.append(v instanceof Number n ? String.format(Locale.ROOT, "%12.4f", n.doubleValue()) : String.format("%12s", v)));
        return sb.toString();
    }
}
