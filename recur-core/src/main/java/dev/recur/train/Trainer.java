package dev.recur.train;

import dev.recur.RecurException;
import dev.recur.autodiff.Var;
import dev.recur.io.AtomicFiles;
import dev.recur.io.Checkpoint;
import dev.recur.io.FileAccessException;
import dev.recur.io.ModelFile;
import dev.recur.io.TrainingState;
import dev.recur.io.json.Json;
import dev.recur.io.json.JsonValues;
import dev.recur.model.SequenceModel;
import dev.recur.nn.Parameter;
import dev.recur.optim.AdamW;
import dev.recur.optim.GradClip;
import dev.recur.optim.Optimizer;
import dev.recur.optim.OptimizerState;
import dev.recur.optim.Schedule;
import dev.recur.random.Rng;
import dev.recur.task.Split;
import dev.recur.task.Task;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The training loop: shuffled mini-batches of the task's training examples, AdamW with warm-up and
 * cosine decay, gradient clipping, a validation pass every {@code evalEvery} steps. It writes, in
 * the output directory, {@code metrics.jsonl} (one JSON object per validation), {@code model.recur}
 * (the weights best on validation: the task's selection metric, ties broken by the lower validation
 * loss, so that a metric that saturates, such as an accuracy of 100 %, does not freeze the choice
 * at the first record that reached it) and {@code last.ckpt} (weights, optimizer, data position and
 * random states), each atomically.
 *
 * <p>Resuming is exact: the data order of an epoch is a permutation drawn from the data generator,
 * whose state at the start of the epoch is saved with the position within the epoch, so a resumed
 * run sees the same batches, and with the same thread count reaches the same weights as a run
 * straight through. A stop request (Ctrl-C) ends the loop after the current step and writes
 * {@code last.ckpt}.
 */
public final class Trainer {
    public static final String MODEL_FILE = "model.recur", CHECKPOINT = "last.ckpt", METRICS = "metrics.jsonl";
    private static final String DATA_RNG = "data";
    private static final String MODEL_RNG_PREFIX = "model:";

    /** How a run ended: the last step, whether it was stopped early, and the best validation record. */
    public record Result(long step, boolean interrupted, Map<String, Object> best) {}

    private final Task task;
    private final SequenceModel model;
    private final TrainConfig config;
    private final Path out;
    private final Map<String, Object> savedConfig;
    private final Progress progress;
    private final Optimizer optimizer;
    private final Schedule schedule;

    private long step, epoch, position;
    private long[] epochStart;
    private double elapsed;
    /** The running training loss since the last validation: checkpointed, so that a resumed run reports the same means. */
    private double lossSum;
    private long lossCount;
    private Double bestScore, bestLoss;
    private Map<String, Object> best;
    private final List<String> metricLines = new ArrayList<>();

    /**
     * @param savedConfig the JSON stored in model files and checkpoints ({@code model}, {@code task}, ...),
     *                    from which the command line rebuilds the model
     */
    public Trainer(Task task, SequenceModel model, TrainConfig config, Path out, Map<String, Object> savedConfig, Progress progress) {
        this.task = task;
        this.model = model;
        this.config = config;
        this.out = out;
        this.savedConfig = savedConfig;
        this.progress = progress;
        this.optimizer = new AdamW(model.namedParameters(), config.lr(), 0.9, 0.999, 1e-8, config.weightDecay(), false)
                .excludeFromWeightDecay(n -> n.endsWith("bias") || n.contains("norm"));
        this.schedule = Schedule.warmupCosine(config.lr(), config.warmup(), config.steps(), config.lr() / 10);
        this.epochStart = new Rng(config.seed() ^ 0x5eed_da7aL).state();
    }

    /** Continues from a checkpoint written by this trainer (same task, model and settings). */
    public void restore(Checkpoint ck, String source) {
        model.loadStateDict(ck.model(), true, source);
        optimizer.loadStateDict(OptimizerState.from(ck.optimizer()), source);
        TrainingState t = ck.training();
        step = t.step();
        epoch = t.epoch();
        position = t.dataPosition();
        long[] data = t.rngState(DATA_RNG);
        if (data == null) throw new dev.recur.io.FormatException(source, "no data generator state");
        epochStart = data;
        Map<String, long[]> modelRngs = new LinkedHashMap<>();
        t.rngStates().forEach((k, v) -> {
            if (k.startsWith(MODEL_RNG_PREFIX)) modelRngs.put(k.substring(MODEL_RNG_PREFIX.length()), v);
        });
        model.loadRngStates(modelRngs, source);
        Map<String, Object> extra = t.extra();
        elapsed = extra.containsKey("elapsed_s") ? JsonValues.number(extra, "elapsed_s", source) : 0;
        lossSum = extra.containsKey("loss_sum") ? JsonValues.number(extra, "loss_sum", source) : 0;
        lossCount = extra.containsKey("loss_count") ? JsonValues.integer(extra, "loss_count", source) : 0;
        if (extra.get("best") != null) {
            best = JsonValues.object(extra.get("best"), source, "\"best\"");
            Map<String, Object> v = JsonValues.object(best.get("validation"), source, "best validation");
            bestScore = numberOrNaN(v, task.selectionMetric(), source);
            bestLoss = numberOrNaN(v, "loss", source);
        }
        // keep the metric records up to the checkpoint; later ones belong to the lost part of the run
        Path metrics = out.resolve(METRICS);
        if (Files.exists(metrics)) {
            try {
                for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) continue;
                    Map<String, Object> rec = Json.parseObject(line, metrics.toString());
                    if (JsonValues.integer(rec, "step", metrics.toString()) <= step) metricLines.add(line);
                }
            } catch (IOException e) {
                throw new FileAccessException(metrics, "read", e);
            }
        }
        progress.message("resumed at step " + step + " of " + config.steps());
    }

    public long step() {
        return step;
    }

    /** Trains until {@code config.steps()} or until {@code stop} is set; the stop is seen between steps. */
    public Result run(AtomicBoolean stop) {
        return run(stop, Long.MAX_VALUE);
    }

    /**
     * As {@link #run(AtomicBoolean)}, but ends early, normally (a last validation and checkpoint),
     * once {@code System.nanoTime()} passes {@code deadline}: a time budget for the run.
     */
    public Result run(AtomicBoolean stop, long deadline) {
        int n = task.trainExamples();
        Rng dataRng = Rng.fromState(epochStart);
        int[] order = dataRng.permutation(n);
        long started = System.nanoTime(), examples = 0;
        double runStart = elapsed;
        model.train(true);
        while (step < config.steps()) {
            if (stop.get()) {
                elapsed = runStart + (System.nanoTime() - started) / 1e9;
                writeCheckpoint();
                progress.message("interrupted at step " + step + "; " + out.resolve(CHECKPOINT) + " is saved (continue with --resume " + out + ")");
                progress.close();
                return new Result(step, true, best);
            }
            if (position >= n) {
                epoch++;
                position = 0;
                epochStart = dataRng.state();
                order = dataRng.permutation(n);
            }
            int size = (int) Math.min(config.batch(), n - position);
            int[] batch = java.util.Arrays.copyOfRange(order, (int) position, (int) position + size);
            optimizer.setLr(schedule.lr(step));
            Var loss = task.loss(model, batch);
            double value = loss.value().item();
            if (!Double.isFinite(value)) {
                throw new RecurException("training diverged at step " + (step + 1) + " (loss " + value + "); try a lower --lr");
            }
            loss.backward();
            if (config.clip() > 0) GradClip.clipGlobalNorm(parameters(), config.clip());
            optimizer.step();
            optimizer.zeroGrad();
            step++;
            position += size;
            examples += size;
            lossSum += value;
            lossCount++;
            double secs = (System.nanoTime() - started) / 1e9;
            progress.step(step, config.steps(), lossSum / lossCount, (double) examples * task.stepsPerExample() / Math.max(secs, 1e-9));
            boolean outOfTime = deadline != Long.MAX_VALUE && System.nanoTime() - deadline > 0;
            if (step % config.evalEvery() == 0 || step == config.steps() || outOfTime) {
                elapsed = runStart + secs;
                validate(lossSum / lossCount);
                lossSum = 0;
                lossCount = 0;
                writeCheckpoint();
                if (outOfTime) {
                    progress.message("time limit reached at step " + step + " of " + config.steps());
                    break;
                }
            }
        }
        progress.close();
        return new Result(step, false, best);
    }

    private List<Parameter> parameters() {
        return model.parameters();
    }

    private void validate(double trainLoss) {
        Map<String, Object> metrics = task.evaluate(model, Split.VALIDATION);
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", step);
        rec.put("epoch", epoch);
        rec.put("lr", optimizer.lr());
        rec.put("train_loss", dev.recur.task.Metrics.round(trainLoss));
        rec.put("validation", metrics);
        rec.put("elapsed_s", Math.round(elapsed * 10) / 10.0);
        double score = ((Number) metrics.get(task.selectionMetric())).doubleValue();
        double loss = ((Number) metrics.get("loss")).doubleValue();
        if (improves(score, loss)) {
            bestScore = score;
            bestLoss = loss;
            best = rec;
            ModelFile.write(out.resolve(MODEL_FILE), savedConfig, model.stateDict());
        }
        metricLines.add(Json.write(rec));
        AtomicFiles.writeString(out.resolve(METRICS), String.join("\n", metricLines) + "\n");
        progress.evaluated(rec);
    }

    /** A metric of a saved record: JSON writes NaN as null, which reads back as NaN here. */
    private static double numberOrNaN(Map<String, Object> record, String key, String source) {
        return record.containsKey(key) && record.get(key) == null ? Double.NaN : JsonValues.number(record, key, source);
    }

    /** Whether a validation record beats the best so far: a better selection metric, or the same and a lower loss. */
    private boolean improves(double score, double loss) {
        if (bestScore == null || (bestScore.isNaN() && !Double.isNaN(score))) return true; // a diverged first record is beaten by any number
        if (score != bestScore) return task.lowerIsBetter() ? score < bestScore : score > bestScore;
        return loss < bestLoss;
    }

    private void writeCheckpoint() {
        Map<String, long[]> rngs = new LinkedHashMap<>();
        rngs.put(DATA_RNG, epochStart);
        model.rngStates().forEach((k, v) -> rngs.put(MODEL_RNG_PREFIX + k, v));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("elapsed_s", elapsed);
        extra.put("loss_sum", lossSum);
        extra.put("loss_count", lossCount);
        if (best != null) extra.put("best", best);
        new Checkpoint(savedConfig, model.stateDict(), optimizer.stateDict().toNamed(),
                new TrainingState(step, epoch, position, rngs, extra)).write(out.resolve(CHECKPOINT));
    }
}
