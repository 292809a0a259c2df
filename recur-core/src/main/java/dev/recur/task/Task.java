package dev.recur.task;

import dev.recur.autodiff.Var;
import dev.recur.model.ModelConfig;
import dev.recur.model.SequenceModel;

import java.util.Map;

/**
 * A learning problem over fixed data: what the model reads and predicts, the training loss on a
 * batch of training examples, and the metrics of a split. Training examples are numbered
 * {@code 0 .. trainExamples() - 1}; the trainer shuffles these numbers, so a task's batches are a
 * pure function of the indices and resuming needs only the trainer's position.
 */
public interface Task {
    /** The task's command-line name: charlm, forecast, classify, anomaly, mqar, parity, ... */
    String name();

    ModelConfig.Input input();

    /** The head the task trains, given the user's choice ({@code null} for the task's default). */
    ModelConfig.Head head(String kind);

    int trainExamples();

    /** Sequence steps per training example, for the tokens-per-second figure of the progress report. */
    int stepsPerExample();

    /** The mean training loss over the given training examples (gradients flow to the model). */
    Var loss(SequenceModel model, int[] examples);

    /**
     * The metrics of a split, computed without gradients: always {@code "loss"} (the training
     * loss's value) and the task's metric keys ({@code mae}, {@code accuracy}, ...).
     */
    Map<String, Object> evaluate(SequenceModel model, Split split);

    /** Reference results on the test split by name ({@code naive}, {@code seasonal_naive}, ...), possibly empty. */
    default Map<String, Object> baselines() {
        return Map.of();
    }

    /** The metric that selects the best checkpoint on validation, and whether lower is better. */
    String selectionMetric();

    boolean lowerIsBetter();

    /** Everything a later {@code eval}/{@code predict} needs besides the data (normalisation, vocabulary, options), as JSON. */
    Map<String, Object> toJson();
}
