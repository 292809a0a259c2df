package dev.recur.kernel;

/**
 * A set of compute kernels over float32 arrays. Implementations are named after their technology:
 * {@code scalar} (plain Java, the reference twin) and {@code vector} (the incubating Vector API).
 * Kernels take {@code (array, offset, ...)} so that they run on tensor views without copies.
 * Nothing here knows about layers or autodiff.
 */
public interface Backend {
    /** "scalar" or "vector". */
    String name();

    Gemm gemm();

    Activations activations();

    Reductions reductions();

    Norms norms();
}
