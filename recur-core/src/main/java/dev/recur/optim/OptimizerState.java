package dev.recur.optim;

import java.util.Map;

/**
 * An optimizer's complete state, for checkpoints: JSON-ready scalars ({@code "type"}, the
 * hyper-parameters, per-parameter step counts, the parameters exempt from weight decay) and
 * tensors (moment estimates, momentum buffers) keyed {@code <parameter name>.<slot>}, e.g.
 * {@code blocks.0.mixer.weight_hh.exp_avg}. Scalars hold only {@code String}, {@code Long},
 * {@code Double}, {@code Boolean}, lists and maps of those, so that {@code io.json.Json} writes them.
 */
public record OptimizerState(Map<String, Object> scalars, Map<String, dev.recur.tensor.Tensor> tensors) {
    public OptimizerState {
        scalars = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scalars));
        tensors = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tensors));
    }

    /** This state in the form a checkpoint stores ({@code io} does not depend on {@code optim}). */
    public dev.recur.io.NamedState toNamed() {
        return new dev.recur.io.NamedState(scalars, tensors);
    }

    /** The optimizer state a checkpoint stored. */
    public static OptimizerState from(dev.recur.io.NamedState saved) {
        return new OptimizerState(saved.scalars(), saved.tensors());
    }

    /** The optimizer's type name ({@code "sgd"}, {@code "adam"}, {@code "adamw"}). */
    public String type() {
        return String.valueOf(scalars.get("type"));
    }
}
