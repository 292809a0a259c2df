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
public record VectorBackend(Gemm gemm, Activations activations, Reductions reductions, Norms norms) implements Backend {
    public VectorBackend() {
        this(new VectorGemm(), new VectorActivations(), new VectorReductions(), new VectorNorms());
    }

    @Override
    public String name() {
        return "vector";
    }
}
