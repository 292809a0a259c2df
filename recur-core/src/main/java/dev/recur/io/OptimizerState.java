package dev.recur.io;

import dev.recur.tensor.Tensor;

import java.util.Map;

/**
 * An optimizer's state as a checkpoint stores it: its settings and counters as a JSON object
 * (type, hyper-parameters, step count: values that JSON represents exactly) and its per-parameter
 * tensors (moments, momentum buffers) by name.
 */
public record OptimizerState(Map<String, Object> settings, Map<String, Tensor> tensors) {
    public OptimizerState {
        settings = RecurFormat.frozen(settings, "optimizer settings");
        tensors = RecurFormat.frozen(tensors, "optimizer tensors");
    }

    /** No optimizer (a checkpoint of weights only). */
    public static OptimizerState empty() {
        return new OptimizerState(Map.of(), Map.of());
    }
}
