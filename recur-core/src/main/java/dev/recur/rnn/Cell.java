package dev.recur.rnn;

import dev.recur.kernel.Activations;
import dev.recur.kernel.Backends;

/**
 * The math of one recurrent cell, fused: {@link #forward} advances all B sequences by one step
 * (the recurrent GEMM into the gate buffer, then one pass of gate math), {@link #backward} is its
 * exact adjoint, and {@link #weightGrad} adds the recurrent weight's gradient of all steps as one
 * GEMM per weight block. Subclasses hold no per-call state; all buffers live in {@link Run}.
 *
 * <p>State 0 is always the output state {@code h} (width {@link #outWidth}); others (LSTM's
 * {@code c}, sLSTM's {@code c, n, m}) have width H.
 */
abstract class Cell {
    final int hidden, gates, outWidth;
    final Recurrence rec;

    Cell(int hidden, int gates, int outWidth, Recurrence rec) {
        this.hidden = hidden;
        this.gates = gates;
        this.outWidth = outWidth;
        this.rec = rec;
    }

    /** Names of the states, {@code h} first, as PyTorch returns them ({@code h, c} for the LSTM). */
    abstract String[] stateNames();

    int[] stateWidths() {
        int[] w = new int[stateNames().length];
        java.util.Arrays.fill(w, hidden);
        w[0] = outWidth;
        return w;
    }

    /** Floats per batch row and step that the cell saves besides its gates. */
    int exWidth() {
        return 0;
    }

    /** Whether the gradient of the recurrent pre-activation differs from the input one (GRU's n gate). */
    boolean separateRecurrentGrad() {
        return false;
    }

    /** Whether gate {@code gate}'s recurrent bias adds to its pre-activation directly (all but GRU's n). */
    boolean foldsBias(int gate) {
        return true;
    }

    /** The gate ranges {@code {g0, g1}} whose recurrent products {@link #forward} computes, for prepacking. */
    int[][] gateRanges() {
        return new int[][] {{0, gates}};
    }

    /**
     * Whether the recurrent product is one dense product over all gates from state 0, skipped when
     * {@link Run#productDone}: then an inference loop may compute it together with the input
     * projection as one GEMM over {@code [x_t | h]}.
     */
    boolean fusesInputProduct() {
        return false;
    }

    /** Advances step t: reads g's step-t block (pre-activations without the recurrence) and state slot t, writes slot t+1. */
    abstract void forward(Run r, int t);

    /**
     * The adjoint of step t: reads {@code r.d} (gradients of state slot t+1), writes every row of
     * {@code r.dPrev} (slot t), the step-t blocks of {@code r.dxg} and (when separate) {@code r.dR}.
     */
    abstract void backward(Run r, int t);

    /** Adds the recurrent weight's gradient over all steps: {@code dW += dRᵀ · (recurrent inputs)}. */
    void weightGrad(Run r, float[] dw, int dwOff) {
        rec.backwardWeight(r.T * r.B, 0, gates, r.dR, 0, r.GH, r.st[0], 0, outWidth, dw, dwOff);
    }

    /** Rows below which a step's gate pass stays on the calling thread (about 4096 elements each). */
    static void rows(int B, int H, dev.recur.kernel.Parallel.RangeTask task) {
        dev.recur.kernel.Parallel.forRange(B, Math.max(1, 4096 / Math.max(1, H)), task);
    }

    static Activations act() {
        return Backends.active().activations();
    }
}
