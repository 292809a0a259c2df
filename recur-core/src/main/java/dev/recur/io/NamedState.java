package dev.recur.io;

import dev.recur.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A component's saved state as a checkpoint stores it: JSON-ready scalars and named tensors. The
 * optimizer (and anything else a checkpoint carries) converts itself to and from this form, so
 * that {@code io} knows nothing of the packages whose state it stores.
 */
public record NamedState(Map<String, Object> scalars, Map<String, Tensor> tensors) {
    public NamedState {
        scalars = Collections.unmodifiableMap(new LinkedHashMap<>(scalars));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public static NamedState empty() {
        return new NamedState(Map.of(), Map.of());
    }
}
