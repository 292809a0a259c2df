package dev.recur.kernel.scalar;

import dev.recur.kernel.Activations;
import dev.recur.kernel.Backend;
import dev.recur.kernel.Gemm;
import dev.recur.kernel.Norms;
import dev.recur.kernel.Reductions;

/** Plain-Java kernels: the reference twin of every vector kernel, and the fallback without the Vector API. */
public final class ScalarBackend implements Backend {
    private final Gemm gemm = new ScalarGemm();
    private final Activations activations = new ScalarActivations();
    private final Reductions reductions = new ScalarReductions();
    private final Norms norms = new ScalarNorms();

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public Gemm gemm() {
        return gemm;
    }

    @Override
    public Activations activations() {
        return activations;
    }

    @Override
    public Reductions reductions() {
        return reductions;
    }

    @Override
    public Norms norms() {
        return norms;
    }
}
