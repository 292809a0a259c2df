package dev.recur.layer;

import dev.recur.autodiff.Var;
import dev.recur.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The recurrent state of a layer between calls: named tensors, e.g. {@code h} and {@code c} for an
 * LSTM (each (B, H)), the matrix memory of a linear-attention layer, the convolution buffer of
 * Mamba. States are values in the autodiff graph (a loss may use a final state), can be detached
 * (truncated BPTT), and serialize as plain tensors (a service parks a session and resumes it).
 */
public record LayerState(Map<String, Var> tensors) {
    public LayerState {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public static LayerState of(String name, Var value) {
        return new LayerState(Map.of(name, value));
    }

    /** A state from plain tensors (constants). */
    public static LayerState fromTensors(Map<String, Tensor> values) {
        Map<String, Var> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k, Var.constant(v)));
        return new LayerState(m);
    }

    public Var get(String name) {
        Var v = tensors.get(name);
        if (v == null) throw new IllegalArgumentException("state has no tensor '" + name + "' (has " + tensors.keySet() + ")");
        return v;
    }

    /** The same values cut from the graph: truncated backpropagation through time. */
    public LayerState detach() {
        Map<String, Var> m = new LinkedHashMap<>();
        tensors.forEach((k, v) -> m.put(k, v.detach()));
        return new LayerState(m);
    }

    /** The values, for serialization. */
    public Map<String, Tensor> toTensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        tensors.forEach((k, v) -> m.put(k, v.value()));
        return m;
    }
}
