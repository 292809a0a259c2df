package dev.recur.pararnn;

import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.List;

/**
 * A recurrent cell {@code h_t = f(h_{t-1}, u_t)} that can be solved in parallel over time by
 * {@link NewtonSolver}: it states its Jacobian {@code df/dh}, which must be block-diagonal with
 * blocks of {@link #components()} x {@link #components()} (1: diagonal), and the gradients of its
 * parameters and of its input given the adjoint {@code dL/dh_t}.
 *
 * <p>The input {@code u_t} is the cell's <em>drive</em>: the input already projected (one GEMM over
 * the whole sequence, outside the recurrence), {@code (B, driveWidth)} per step. The state of a
 * step is k components of {@code (B, units)}, stored component-major: {@code h[off + (i*B + b)*U +
 * u]}; lane {@code m = b*U + u} of component i couples only with lane m of the other components.
 * Jacobian slabs are {@code (k, k, B, U)}: entry {@code (i, j)} at {@code jac[off + ((i*k + j)*B
 * + b)*U + u] = d h'_i / d h_j} for that lane.
 *
 * <p>Implementations are stateless descriptions (sizes); the parameter values come in as tensors
 * in the order of {@link #parameterNames()}, so that the same cell runs on a layer's parameters
 * and on a gradient check's leaves. Every method may be called concurrently for different steps.
 * {@link JacobianCheck} compares the stated Jacobian and gradients with finite differences.
 */
public interface ParaCell {
    /** k, the size of the Jacobian's diagonal blocks (1, 2 or 3). */
    int components();

    /** U, the units per component. */
    int units();

    /** The width of one batch row of the drive. */
    int driveWidth();

    /** The component that is the layer's output (e.g. h of an LSTM's (c, h)). */
    int outputComponent();

    /** A name per component, used as the layer state's tensor names. */
    List<String> componentNames();

    /** The names of the recurrent parameters, in the order the methods receive them. */
    List<String> parameterNames();

    /** Initial values of the recurrent parameters, in {@link #parameterNames()} order. */
    Tensor[] initialParameters(Rng rng);

    /**
     * One step for a batch: {@code out = f(h, u)} and, when {@code jac} is not null, the Jacobian
     * {@code df/dh} at {@code h}.
     */
    void evaluate(Tensor[] params, int batch, float[] h, int hOff, float[] u, int uOff,
                  float[] out, int outOff, float[] jac, int jacOff);

    /**
     * The input and parameter gradients of one step, given {@code lambda = dL/dh_t} (k, B, U) and
     * the step's input state {@code h = h_{t-1}}: ADDS {@code lambda . df/du} into
     * {@code gu[guOff..]} (B, driveWidth) and {@code lambda . df/dtheta} into {@code gParams}
     * (shaped as the parameters). The state gradient {@code lambda . df/dh} is not asked for: the
     * solver gets it from the Jacobian.
     */
    void backward(Tensor[] params, int batch, float[] h, int hOff, float[] u, int uOff,
                  float[] lambda, int lOff, float[] gu, int guOff, float[][] gParams);

    /** Floating-point operations of one evaluation per lane (units x batch), with or without the Jacobian: for work estimates. */
    default double flopsPerLane(boolean withJacobian) {
        return withJacobian ? 40 : 20;
    }
}
