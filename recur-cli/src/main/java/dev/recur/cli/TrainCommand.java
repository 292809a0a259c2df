package dev.recur.cli;

import dev.recur.ConfigException;
import dev.recur.io.Checkpoint;
import dev.recur.io.FileAccessException;
import dev.recur.io.ModelFile;
import dev.recur.io.json.JsonValues;
import dev.recur.model.ModelConfig;
import dev.recur.model.SequenceModel;
import dev.recur.random.Rng;
import dev.recur.task.Split;
import dev.recur.task.Task;
import dev.recur.train.TrainConfig;
import dev.recur.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code recur train}: trains a model on a task and leaves model.recur, last.ckpt, metrics.jsonl
 * and curves.png in the output directory; prints the test metrics beside the task's baselines,
 * and as its last line the evaluation JSON. With no arguments it forecasts the embedded sunspot
 * series, 12 months ahead.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a model. With no options: forecast the embedded monthly sunspot numbers 12 months ahead.")
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    TaskOptions taskOptions;

    @Option(names = "--model", description = "Model: NAME[+NAME]:LAYERSxWIDTH[,key=value...] (e.g. gru:2x128, gla:2x64,heads=2) or a JSON model file (default: forecast " + TrainCommand.DEFAULT_FORECAST_MODEL + ", anomaly gru:1x32, classify gru:1x64, charlm gru:1x256, mqar gla:2x64,heads=2, others gla:2x64).")
    String model;

    @Option(names = "--steps", description = "Optimizer steps (default: " + TrainCommand.DEFAULT_STEPS + ", or set by --epochs).")
    Long steps;

    @Option(names = "--epochs", description = "Passes over the training examples (instead of --steps).")
    Double epochs;

    @Option(names = "--batch", defaultValue = "32", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "3e-3", description = "Peak learning rate of AdamW (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--clip", defaultValue = "1.0", description = "Gradient clipping, global norm; 0 for none (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--warmup", defaultValue = "30", description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
    long warmup;

    @Option(names = "--eval-every", description = "Validate and checkpoint every N steps (default: steps / 10).")
    Long evalEvery;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed for weights and data order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Output directory (default: runs/<task>, or runs/sunspots for the embedded data).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in this directory from its last.ckpt.")
    Path resume;

    @Option(names = "--time-limit", description = "Stop after this many minutes of training (a last validation and checkpoint, then the test); default: no limit.")
    Double timeLimit;

    @Option(names = "--quiet", description = "Print only the final results (default: false).")
    boolean quiet;

    static final long DEFAULT_STEPS = 400;
    static final String DEFAULT_FORECAST_MODEL = "gru:1x32";

    @Override
    public Integer call() {
        Task task;
        SequenceModel net;
        TrainConfig config;
        Map<String, Object> saved;
        Checkpoint restoreFrom = null;
        Path dir;
        if (resume != null) {
            dir = resume;
            Path ck = dir.resolve(Trainer.CHECKPOINT);
            if (!Files.isRegularFile(ck)) throw new FileAccessException(ck, "no checkpoint to resume from");
            restoreFrom = Checkpoint.read(ck);
            saved = restoreFrom.modelConfig();
            String src = ck.toString();
            if (taskOptions.data == null && saved.get("data") instanceof String d) taskOptions.data = Path.of(d);
            task = taskOptions.fromSaved(JsonValues.object(saved.get("task"), src, "\"task\""), src);
            config = TrainConfig.fromJson(JsonValues.object(saved.get("train"), src, "\"train\""), src);
            ModelConfig mc = ModelConfig.fromJson(JsonValues.object(saved.get("model"), src, "\"model\""), src, null, null);
            net = new SequenceModel(mc, new Rng(config.seed()));
        } else {
            task = taskOptions.create(seed);
            ModelConfig mc = Models.resolve(model != null ? model : defaultModel(task.name()), task, null);
            long n = task.trainExamples();
            long perEpoch = (n + batch - 1) / batch;
            long total = steps != null ? steps : epochs != null ? Math.max(1, Math.round(epochs * perEpoch)) : DEFAULT_STEPS;
            if (steps != null && epochs != null) throw new ConfigException("give --steps or --epochs, not both");
            config = new TrainConfig(total, batch, lr, seed, evalEvery != null ? evalEvery : Math.max(1, total / 10),
                    Math.min(warmup, total), clip, weightDecay);
            net = new SequenceModel(mc, new Rng(seed));
            saved = new LinkedHashMap<>();
            saved.put("model", mc.toJson());
            saved.put("task", task.toJson());
            saved.put("train", config.toJson());
            if (taskOptions.data != null) saved.put("data", taskOptions.data.toAbsolutePath().toString());
            dir = out != null ? out : Path.of("runs", taskOptions.data == null && task.name().equals("forecast") ? "sunspots" : task.name());
        }
        prepare(dir, resume == null);
        ProgressReporter progress = ProgressReporter.create(quiet, config.steps());
        // model file and checkpoint carry the same description: model, task, training settings, data path
        Trainer trainer = new Trainer(task, net, config, dir, saved, progress);
        if (restoreFrom != null) trainer.restore(restoreFrom, dir.resolve(Trainer.CHECKPOINT).toString());
        if (!quiet) {
            System.out.println("task " + task.name() + " on " + taskOptions.dataName() + ": " + task.trainExamples()
                    + " training examples; model " + Models.describe(net) + "; " + config.steps() + " steps of " + config.batch()
                    + "; output in " + dir);
        }

        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                done.await(120, TimeUnit.SECONDS); // let the trainer write last.ckpt before the JVM exits
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "recur-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Trainer.Result result;
        try {
            long deadline = timeLimit == null ? Long.MAX_VALUE : System.nanoTime() + (long) (timeLimit * 60e9);
            if (timeLimit != null && !(timeLimit > 0)) throw new ConfigException("--time-limit must be > 0 minutes, got " + timeLimit);
            result = timeLimit == null ? trainer.run(stop) : trainer.run(stop, deadline);
        } finally {
            done.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return 130;
        }
        Curves.write(dir.resolve("metrics.jsonl"), dir.resolve("curves.png"), task.selectionMetric());
        if (result.interrupted()) return 130;

        // the test split, with the weights that were best on validation
        ModelFile best = ModelFile.read(dir.resolve(Trainer.MODEL_FILE));
        net.loadStateDict(best.weights(), true, dir.resolve(Trainer.MODEL_FILE).toString());
        Map<String, Object> metrics = task.evaluate(net, Split.TEST);
        metrics.remove("loss");
        Object bestStep = result.best() == null ? null : result.best().get("step");
        Report.print(task, metrics, dir, quiet, bestStep instanceof Number n ? n.longValue() : null);
        return 0;
    }

    static String defaultModel(String task) {
        return switch (task) {
            case "forecast" -> DEFAULT_FORECAST_MODEL;
            case "charlm" -> "gru:1x256";
            case "classify" -> "gru:1x64";
            case "anomaly" -> "gru:1x32";
            case "mqar" -> "gla:2x64,heads=2";
            default -> "gla:2x64"; // parity, selective-copy, adding
        };
    }

    /** Creates the output directory; a fresh run replaces the files of an earlier run there. */
    private static void prepare(Path dir, boolean fresh) {
        try {
            Files.createDirectories(dir);
            if (fresh) {
                for (String f : new String[] {Trainer.CHECKPOINT, Trainer.METRICS, Trainer.MODEL_FILE, "curves.png"}) {
                    Files.deleteIfExists(dir.resolve(f));
                }
            }
        } catch (IOException e) {
            throw new FileAccessException(dir, "create the output directory", e);
        }
    }
}
