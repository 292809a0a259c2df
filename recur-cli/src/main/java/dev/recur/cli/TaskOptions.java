package dev.recur.cli;

import dev.recur.ConfigException;
import dev.recur.data.CsvTable;
import dev.recur.io.json.JsonValues;
import dev.recur.task.Datasets;
import dev.recur.task.ForecastTask;
import dev.recur.task.Task;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** The options that choose a task and its data, shared by train, eval and predict. */
final class TaskOptions {
    static final String DEFAULT_TASK = "forecast";

    /** Whether --task was on the command line (eval checks it against the model's task). */
    boolean taskGiven() {
        return task != null && spec != null && spec.commandLine().getParseResult().hasMatchedOption("--task");
    }

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--task", defaultValue = DEFAULT_TASK,
            description = "Task: forecast, charlm, classify, anomaly, mqar, parity, selective-copy, adding (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--data", description = "Data file (CSV, text or IDX). Default: the embedded monthly sunspot numbers (forecast only).")
    Path data;

    @Option(names = "--target", description = "Forecast/anomaly: the value column (default: 'value', else the last non-time column).")
    String target;

    @Option(names = "--context", defaultValue = "60", description = "Forecast: input length in steps (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--horizon", defaultValue = "12", description = "Forecast: steps ahead predicted at once (default: ${DEFAULT-VALUE}).")
    int horizon;

    @Option(names = "--season", defaultValue = "12", description = "Forecast: period of the seasonal-naive baseline (default: ${DEFAULT-VALUE}).")
    int season;

    /** The task for training, from the options and the data. */
    Task create() {
        return switch (task) {
            case "forecast" -> {
                double[] series = series();
                yield new ForecastTask(series, dataName(), context, horizon, season);
            }
            default -> throw new ConfigException("unknown task '" + task + "' (known: forecast)");
        };
    }

    /** The task a model file was trained on, on the data given now (or the embedded default). */
    Task fromSaved(Map<String, Object> saved, String source) {
        String name = JsonValues.string(saved, "name", source);
        return switch (name) {
            case "forecast" -> ForecastTask.fromJson(saved, series(), dataName());
            default -> throw new ConfigException(source + ": unknown task '" + name + "'");
        };
    }

    String dataName() {
        return data == null ? Datasets.SUNSPOTS : data.toString();
    }

    private double[] series() {
        CsvTable table = data == null ? Datasets.sunspots() : CsvTable.read(data);
        return table.numbers(target != null ? target : table.defaultTarget());
    }
}
