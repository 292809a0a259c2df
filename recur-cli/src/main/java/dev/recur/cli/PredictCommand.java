package dev.recur.cli;

import dev.recur.ConfigException;
import dev.recur.data.CsvTable;
import dev.recur.io.AtomicFiles;
import dev.recur.task.ForecastTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code recur predict}: forecasts (or class labels with scores) for new data, written as CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Predict with a trained model: forecasts after the end of a series, class labels with scores, or anomaly scores; writes CSV.")
public final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model file written by recur train (model.recur).")
    Path model;

    @Option(names = "--data", required = true, description = "Input data (CSV, or IDX images for an image classifier).")
    Path data;

    @Option(names = "--target", description = "Forecast: the value column (default: 'value', else the last non-time column).")
    String target;

    @Option(names = "--out", required = true, description = "Output CSV file (written atomically).")
    Path out;

    @Override
    public Integer call() {
        LoadedModel m = LoadedModel.read(model);
        String csv = switch (m.taskName()) {
            case "forecast" -> {
                CsvTable t = CsvTable.read(data);
                yield ForecastTask.predictCsv(m.model(), m.task(), t.numbers(target != null ? target : t.defaultTarget()), data.toString());
            }
            case "anomaly" -> dev.recur.task.AnomalyTask.fromJson(m.task(), CsvTable.read(data), m.source()).predictCsv(m.model());
            case "classify" -> dev.recur.task.ClassifyTask.forPrediction(m.task(), data, m.source()).predictCsv(m.model());
            default -> throw new ConfigException("predict is not available for task '" + m.taskName() + "'"
                    + (m.taskName().equals("charlm") ? "; use recur generate" : ""));
        };
        AtomicFiles.writeString(out, csv);
        System.out.println("wrote " + out);
        return 0;
    }
}
