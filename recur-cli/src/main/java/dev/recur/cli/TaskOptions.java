package dev.recur.cli;

import dev.recur.ConfigException;
import dev.recur.data.CsvTable;
import dev.recur.io.json.JsonValues;
import dev.recur.data.TextFile;
import dev.recur.task.AnomalyTask;
import dev.recur.task.CharLmTask;
import dev.recur.task.ClassifyTask;
import dev.recur.task.Datasets;
import dev.recur.task.SyntheticTask;
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

    @Option(names = "--target", description = "forecast: the value column (default: 'value', else the last non-time column); anomaly: the feature columns, comma-separated (default: all but the label, time and id columns).")
    String target;

    @Option(names = "--context", defaultValue = "60", description = "Forecast: input length in steps (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--horizon", defaultValue = "12", description = "Forecast: steps ahead predicted at once (default: ${DEFAULT-VALUE}).")
    int horizon;

    @Option(names = "--season", defaultValue = "12", description = "Forecast: period of the seasonal-naive baseline (default: ${DEFAULT-VALUE}).")
    int season;

    @Option(names = "--seq-len", description = "charlm: training window (default: 128); synthetic tasks: sequence length (default: 64; eval may change it to test length extrapolation).")
    Integer seqLen;

    @Option(names = "--pixels", defaultValue = "row", description = "classify (IDX images): row (28 steps of 28) or pixel (784 steps of 1) (default: ${DEFAULT-VALUE}).")
    String pixels;

    @Option(names = "--label", defaultValue = "label", description = "classify (CSV) and anomaly: the label column (default: ${DEFAULT-VALUE}).")
    String label;

    @Option(names = "--train-examples", defaultValue = "0", description = "classify: use at most this many training images (0: all); synthetic tasks: training examples (0: 10000) (default: ${DEFAULT-VALUE}).")
    int trainExamples;

    @Option(names = "--test-examples", defaultValue = "0", description = "classify: at most this many test images (0: all); synthetic tasks: test examples (0: 1000) (default: ${DEFAULT-VALUE}).")
    int testExamples;

    @Option(names = "--head", description = "classify: softmax or svm (default: softmax).")
    String head;

    @Option(names = "--vocab", description = "mqar: vocabulary size (default: 128); selective-copy: (default: 16).")
    Integer vocab;

    @Option(names = "--kv-pairs", defaultValue = "4", description = "mqar: key-value pairs per sequence (default: ${DEFAULT-VALUE}).")
    int kvPairs;

    @Option(names = "--copy-tokens", defaultValue = "8", description = "selective-copy: data tokens to copy (default: ${DEFAULT-VALUE}).")
    int copyTokens;

    @Option(names = "--parity-labels", defaultValue = "prefix",
            description = "parity: prefix (label every step with the parity so far; accuracy is still the last step's) or final (the last step only) (default: ${DEFAULT-VALUE}).")
    String parityLabels;

    @Option(names = "--mqar-fill", defaultValue = "random",
            description = "mqar: the tokens between the queries, random (any token) or zero (token 0, Zoology's random_non_queries=False, as in its Figure 2) (default: ${DEFAULT-VALUE}).")
    String mqarFill;

    @Option(names = "--split", defaultValue = "0.5,0.25", description = "anomaly: training and validation fractions of the rows, in time order; the rest is test (default: ${DEFAULT-VALUE}).")
    String split;

    static final java.util.List<String> SYNTHETIC = java.util.List.of("mqar", "parity", "selective-copy", "adding");

    /** The task for training, from the options and the data; {@code seed} seeds synthetic data. */
    Task create(long seed) {
        return switch (task) {
            case "forecast" -> {
                double[] series = series();
                yield new ForecastTask(series, dataName(), context, horizon, season);
            }
            case "charlm" -> new CharLmTask(TextFile.read(requireData()), data.toString(), seqLen != null ? seqLen : 128);
            case "classify" -> {
                Path d = requireData();
                String n = d.getFileName().toString();
                yield n.endsWith(".csv") ? ClassifyTask.fromCsv(CsvTable.read(d), label, head, null)
                        : ClassifyTask.fromIdx(d, pixels, trainExamples, testExamples, head);
            }
            case "anomaly" -> {
                CsvTable t = CsvTable.read(requireData());
                java.util.List<String> cols = target != null ? java.util.List.of(target.split(",")) : AnomalyTask.defaultColumns(t, label);
                yield new AnomalyTask(t, cols, label, context, fractions(), null);
            }
            case "mqar", "parity", "selective-copy", "adding" -> new SyntheticTask(task, seqLen != null ? seqLen : 64,
                    vocab != null ? vocab : task.equals("mqar") ? 128 : 16, kvPairs, copyTokens,
                    trainExamples > 0 ? trainExamples : 10000, testExamples > 0 ? testExamples : 1000, seed, parityLabels, mqarFill);
            default -> throw new ConfigException("unknown task '" + task + "' (known: forecast, charlm, classify, anomaly, "
                    + String.join(", ", SYNTHETIC) + ")");
        };
    }

    private double[] fractions() {
        String[] p = split.split(",");
        try {
            if (p.length != 2) throw new NumberFormatException();
            return new double[] {Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim())};
        } catch (NumberFormatException e) {
            throw new ConfigException("--split must be TRAIN,VALIDATION fractions, e.g. 0.5,0.25; got '" + split + "'");
        }
    }

    private Path requireData() {
        if (data == null) throw new ConfigException("task " + task + " needs --data (the embedded data set is for forecast)");
        return data;
    }

    /** The task a model file was trained on, on the data given now (or the embedded default). */
    Task fromSaved(Map<String, Object> saved, String source) {
        String name = JsonValues.string(saved, "name", source);
        return switch (name) {
            case "forecast" -> ForecastTask.fromJson(saved, series(), dataName());
            case "charlm" -> CharLmTask.fromJson(saved, TextFile.read(requireData()), data.toString());
            case "classify" -> ClassifyTask.fromJson(saved, requireData(), source);
            case "anomaly" -> AnomalyTask.fromJson(saved, CsvTable.read(requireData()), source);
            case "mqar", "parity", "selective-copy", "adding" -> SyntheticTask.fromJson(saved, seqLen, testExamples, source);
            default -> throw new ConfigException(source + ": unknown task '" + name + "'");
        };
    }

    String dataName() {
        if (data == null && SYNTHETIC.contains(task)) return "generated data";
        return data == null ? Datasets.SUNSPOTS : data.toString();
    }

    private double[] series() {
        CsvTable table = data == null ? Datasets.sunspots() : CsvTable.read(data);
        return table.numbers(target != null ? target : table.defaultTarget());
    }
}
