package dev.recur.cli;

import dev.recur.ConfigException;
import dev.recur.task.Split;
import dev.recur.task.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code recur eval}: the test metrics of a trained model, as one JSON object on the last line. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a trained model on the test split of its task's data; the last line is the metrics JSON.")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model file written by recur train (model.recur).")
    Path model;

    @Mixin
    TaskOptions taskOptions;

    @Option(names = "--quiet", description = "Print only the JSON line (default: false).")
    boolean quiet;

    @Override
    public Integer call() {
        LoadedModel m = LoadedModel.read(model);
        if (taskOptions.taskGiven() && !taskOptions.task.equals(m.taskName())) {
            throw new ConfigException(model + " was trained for task '" + m.taskName() + "', not '" + taskOptions.task + "'");
        }
        Task task = taskOptions.fromSaved(m.task(), m.source());
        Map<String, Object> metrics = task.evaluate(m.model(), Split.TEST);
        metrics.remove("loss");
        Report.print(task, metrics, null, quiet, null);
        return 0;
    }
}
