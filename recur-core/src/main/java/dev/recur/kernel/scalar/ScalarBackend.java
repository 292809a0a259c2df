package dev.recur.kernel.scalar;

import dev.recur.kernel.Activations;
import dev.recur.kernel.Backend;
import dev.recur.kernel.Gemm;
import dev.recur.kernel.Norms;
import dev.recur.kernel.Reductions;

/** Plain-Java kernels: the reference twin of every vector kernel, and the fallback without the Vector API. */
public record ScalarBackend(Gemm gemm, Activations activations, Reductions reductions, Norms norms) implements Backend {
    public ScalarBackend() {
        this(new ScalarGemm(), new ScalarActivations(), new ScalarReductions(), new ScalarNorms());
    }

    @Override
    public String name() {
        return "scalar";
    }
}
