package dev.recur.ssm;

import dev.recur.autodiff.Backprop;
import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.layer.Lengths;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The diagonal SSM op: both forms against the float64 step-by-step reference (outputs, final
 * state, and every gradient by finite differences), and against each other.
 */
class DiagonalSsmTest {
    static final double TOL = 1e-4;

    /** Inputs in the op's order: u, logDt, logAReal, aImag, bRe, bIm, cRe, cIm, d, x0Re, x0Im. */
    static Tensor[] inputs(Rng rng, int T, int B, int H, int M, double dtMin, double dtMax) {
        Tensor u = randn(rng, 1, T, B, H);
        Tensor logDt = Tensor.zeros(H);
        for (int h = 0; h < H; h++) {
            logDt.data()[h] = (float) (Math.log(dtMin) + rng.nextDouble() * (Math.log(dtMax) - Math.log(dtMin)));
        }
        Tensor lar = Tensor.zeros(H, M), aim = Tensor.zeros(H, M);
        for (int i = 0; i < H * M; i++) {
            lar.data()[i] = (float) (Math.log(0.5) + 0.3 * rng.nextGaussian());
            aim.data()[i] = (float) (Math.PI * (i % M) + 0.2 * rng.nextGaussian());
        }
        Tensor bRe = randn(rng, 0.5, H, M), bIm = randn(rng, 0.5, H, M);
        for (int i = 0; i < H * M; i++) bRe.data()[i] += 1f;
        return new Tensor[] {u, logDt, lar, aim, bRe, bIm, randn(rng, 0.7, H, M), randn(rng, 0.7, H, M),
                randn(rng, 1, H), randn(rng, 1, B, M, H), randn(rng, 1, B, M, H)};
    }

    static Tensor randn(Rng rng, double std, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillNormal(t.data(), 0, t.numel(), 0f, (float) std);
        return t;
    }

    static Var[] apply(Var[] v, DiagonalSsm.Form form, Discretization rule, Lengths lengths, boolean withState) {
        DiagonalSsm.Params p = new DiagonalSsm.Params(v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
        DiagonalSsm.Output o = DiagonalSsm.apply(p, rule, form, v[0], lengths,
                withState ? v[9] : null, withState ? v[10] : null);
        return new Var[] {o.y(), o.stateRe(), o.stateIm()};
    }

    static void checkAgainstReference(DiagonalSsm.Form form, Discretization rule, int T, int B, int H, int M,
                                      int[] len, boolean withState, double dtMin, double dtMax, long seed) {
        Tensor[] in = inputs(new Rng(seed), T, B, H, M, dtMin, dtMax);
        if (!withState) in = java.util.Arrays.copyOf(in, 9);
        boolean[] diff = new boolean[in.length];
        java.util.Arrays.fill(diff, true);
        Lengths lengths = len == null ? null : Lengths.of(len);
        GradCheck.Result r = GradCheck.checkAll(in, diff,
                v -> apply(v, form, rule, lengths, withState),
                x -> DiagonalSsmReference.run(x, T, B, H, M, len, rule == Discretization.BILINEAR), seed + 1);
        try {
            r.assertWithin(TOL);
        } catch (AssertionError e) {
            throw new AssertionError(form + " " + rule + " T=" + T + ": " + e.getMessage(), e);
        }
    }

    @Test
    void recurrenceMatchesTheReferenceWithStateAndVariableLengths() {
        for (Discretization rule : Discretization.values()) {
            checkAgainstReference(DiagonalSsm.Form.RECURRENT, rule, 9, 3, 3, 2, new int[] {9, 4, 0}, true, 1e-3, 1e-1, 1);
        }
    }

    @Test
    void convolutionMatchesTheReferenceWithStateAndVariableLengths() {
        for (Discretization rule : Discretization.values()) {
            checkAgainstReference(DiagonalSsm.Form.CONVOLUTION, rule, 9, 3, 3, 2, new int[] {9, 4, 0}, true, 1e-3, 1e-1, 2);
        }
    }

    @Test
    void bothFormsMatchWithoutInitialStateAcrossCheckpointsAndOddLengths() {
        // T = 70 crosses the recurrence's 64-step checkpoint and pads the FFT from 140 to 256.
        for (DiagonalSsm.Form form : DiagonalSsm.Form.values()) {
            checkAgainstReference(form, Discretization.ZOH, 70, 1, 2, 2, null, false, 1e-3, 1e-1, 3);
        }
    }

    @Test
    void stepSizesFromVeryWeakToVeryStrong() {
        // dt from 1e-4 (lambda ~ 1, long memory) to 10 (lambda ~ e^-5, almost no memory).
        for (DiagonalSsm.Form form : DiagonalSsm.Form.values()) {
            for (Discretization rule : Discretization.values()) {
                checkAgainstReference(form, rule, 12, 2, 2, 2, new int[] {12, 7}, true, 1e-4, 1e-4, 4);
                checkAgainstReference(form, rule, 12, 2, 2, 2, new int[] {12, 7}, true, 10, 10, 5);
            }
        }
    }

    @Test
    void formsAgreeOnLongSequencesWithRandomUpstreamGradients() {
        // Longer than GradCheck affords: form against form, outputs, state and every gradient.
        int T = 300, B = 3, H = 20, M = 4; // H = 20 spans two recurrence tiles and two FFT lane blocks
        Rng rng = new Rng(6);
        Tensor[] in = inputs(rng, T, B, H, M, 1e-3, 1e-1);
        int[] len = {300, 131, 1};
        Tensor[] seeds = {randn(rng, 1, T, B, H), randn(rng, 1, B, M, H), randn(rng, 1, B, M, H)};
        double[][] rec = gradients(in, seeds, DiagonalSsm.Form.RECURRENT, len);
        double[][] conv = gradients(in, seeds, DiagonalSsm.Form.CONVOLUTION, len);
        for (int i = 0; i < rec.length; i++) {
            double err = GradCheck.relRms(conv[i], rec[i]);
            assertTrue(err < TOL, "entry " + i + ": relative RMS error " + err);
        }
    }

    @Test
    void costModelPrefersTheRecurrenceForShortSequencesAndTheConvolutionForLargeStates() {
        org.junit.jupiter.api.Assertions.assertEquals(DiagonalSsm.Form.RECURRENT, DiagonalSsm.cheaperForm(64, 4, 64, 32));
        dev.recur.kernel.Backend previous = dev.recur.kernel.Backends.active();
        try {
            // With the scalar GEMM the convolution's final-state sums cost more than the recurrence itself.
            dev.recur.kernel.Backends.use(dev.recur.kernel.Backends.scalar());
            org.junit.jupiter.api.Assertions.assertEquals(DiagonalSsm.Form.RECURRENT, DiagonalSsm.cheaperForm(16384, 16, 256, 512));
            if (dev.recur.kernel.Backends.vectorAvailable()) {
                dev.recur.kernel.Backends.use(dev.recur.kernel.Backends.vector());
                org.junit.jupiter.api.Assertions.assertEquals(DiagonalSsm.Form.CONVOLUTION, DiagonalSsm.cheaperForm(16384, 16, 256, 512));
                // S4D's default state (N = 64, 32 modes): the recurrence for inference, the convolution for training
                org.junit.jupiter.api.Assertions.assertEquals(DiagonalSsm.Form.RECURRENT, DiagonalSsm.cheaperForm(16384, 4, 256, 32, false));
                org.junit.jupiter.api.Assertions.assertEquals(DiagonalSsm.Form.CONVOLUTION, DiagonalSsm.cheaperForm(16384, 4, 256, 32, true));
            }
        } finally {
            dev.recur.kernel.Backends.use(previous);
        }
    }

    /** Outputs (3) then gradients of all 11 inputs, for the given upstream gradients. */
    static double[][] gradients(Tensor[] in, Tensor[] seeds, DiagonalSsm.Form form, int[] len) {
        Var[] v = new Var[in.length];
        for (int i = 0; i < in.length; i++) v[i] = Var.leaf(in[i].copy());
        Var[] out = apply(v, form, Discretization.ZOH, Lengths.of(len), true);
        Backprop.run(out, seeds);
        double[][] r = new double[3 + in.length][];
        for (int k = 0; k < 3; k++) r[k] = out[k].value().toDoubleArray();
        for (int i = 0; i < in.length; i++) r[3 + i] = v[i].grad().toDoubleArray();
        return r;
    }
}
