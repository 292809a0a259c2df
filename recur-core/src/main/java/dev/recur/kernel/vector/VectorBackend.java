package dev.recur.kernel.vector;

import dev.recur.kernel.Activations;
import dev.recur.kernel.Backend;
import dev.recur.kernel.Gemm;
import dev.recur.kernel.Norms;
import dev.recur.kernel.Reductions;
import dev.recur.kernel.vector.gemm.VectorGemm;

/**
 * Kernels on the Vector API ({@code jdk.incubator.vector}), species chosen once at the platform's
 * preferred width (16 float lanes with AVX-512). Loaded reflectively by {@link dev.recur.kernel.Backends}
 * so that the scalar path never loads Vector API classes.
 */
public final class VectorBackend implements Backend {
    private final Gemm gemm = new VectorGemm();
    private final Activations activations = new VectorActivations();
    private final Reductions reductions = new VectorReductions();
    private final Norms norms = new VectorNorms();

    @Override
    public String name() {
        return "vector";
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
