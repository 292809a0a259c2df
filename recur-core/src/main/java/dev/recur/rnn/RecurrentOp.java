package dev.recur.rnn;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.layer.Lengths;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

import java.util.Arrays;

/**
 * One direction of one recurrent layer over a whole sequence as a single autodiff node:
 * {@code (xg, W_hh, b_hh, W_hr, peepholes, initial states) -> (y, final states)}, where
 * {@code xg = x W_ihᵀ + b_ih} (T, B, G·H) is computed outside by one GEMM. The forward runs the
 * cell's fused step T times; the backward runs the fused adjoint steps in reverse and then forms
 * the recurrent weight's gradient of all steps as one GEMM.
 *
 * <p>Variable lengths follow PackedSequence: a sequence's state stops changing after its last
 * valid step and its outputs there are zero. A reverse direction reads each sequence from its own
 * last valid step backwards; the rows are gathered into that order once, so that the step loop is
 * the same for both directions.
 */
final class RecurrentOp {
    private RecurrentOp() {}

    /** Outputs: [0] y (T, B, outWidth), then each final state (B, width_k). */
    static Var[] apply(Cell cell, Var xg, Var whh, Var bhh, Var wr, Var peep, Var[] initial, Lengths lengths, boolean reverse) {
        return apply(cell, xg, whh, bhh, wr, peep, initial, lengths, reverse, false);
    }

    /**
     * As above; with {@code consumeXg} the caller hands over xg's storage (nothing else reads its
     * value: the input projection's backward needs only its input and weight), and the forward
     * direction writes its gates there instead of into a copy.
     */
    static Var[] apply(Cell cell, Var xg, Var whh, Var bhh, Var wr, Var peep, Var[] initial, Lengths lengths, boolean reverse,
                       boolean consumeXg) {
        Tensor xv = xg.value().contiguous();
        if (xv.rank() != 3 || xv.dim(2) != cell.gates * cell.hidden) {
            throw new ShapeException("recurrent op: gate pre-activations must be (T, B, " + cell.gates * cell.hidden + "), found "
                    + Shapes.toString(xv.shape()));
        }
        int T = xv.dim(0), B = xv.dim(1), H = cell.hidden, GH = cell.gates * H, P = cell.outWidth;
        if (lengths != null) lengths.check(B, T);
        int[] widths = cell.stateWidths();
        int ns = widths.length;
        Tensor wv = whh.value().contiguous();
        float[] bias = bhh == null ? null : bhh.value().contiguous().toArray();
        boolean separateBias = false;
        for (int gi = 0; gi < cell.gates; gi++) separateBias |= !cell.foldsBias(gi);
        int[] src = sourceSteps(T, B, lengths, reverse);
        boolean inPlace = consumeXg && src == null && xv == xg.value() && xv.offset() == 0 && xv.data().length == T * B * GH;
        Run r = new Run(cell, T, B, wv.data(), wv.offset(), separateBias ? bias : null,
                wr == null ? null : wr.value().contiguous().toArray(), peep == null ? null : peep.value().contiguous().toArray(),
                new dev.recur.kernel.Gemm.PackedMatrix[64], inPlace ? xv.data() : null);

        // gates <- xg (gathered into processing order) + the foldable recurrent biases
        float[] xd = xv.data();
        for (int s = 0; s < T; s++) {
            for (int b = 0; b < B; b++) {
                int from = xv.offset() + ((src == null ? s : src[s * B + b]) * B + b) * GH;
                int to = (s * B + b) * GH;
                if (!inPlace) System.arraycopy(xd, from, r.g, to, GH);
                if (bias != null) {
                    for (int gi = 0; gi < cell.gates; gi++) {
                        if (cell.foldsBias(gi)) add(bias, gi * H, r.g, to + gi * H, H);
                    }
                }
            }
        }
        for (int k = 0; k < ns; k++) {
            if (initial[k] == null) continue;
            Tensor s0 = initial[k].value().contiguous();
            Shapes.check("initial state " + cell.stateNames()[k], s0.shape(), B, widths[k]);
            System.arraycopy(s0.data(), s0.offset(), r.st[k], 0, B * widths[k]);
        }

        boolean[] active = new boolean[B];
        for (int s = 0; s < T; s++) {
            boolean masked = activeRows(lengths, s, active);
            cell.forward(r, s);
            if (masked) {
                for (int k = 0; k < ns; k++) {
                    int wk = widths[k];
                    for (int b = 0; b < B; b++) {
                        if (!active[b]) System.arraycopy(r.st[k], (s * B + b) * wk, r.st[k], ((s + 1) * B + b) * wk, wk);
                    }
                }
            }
        }

        // outputs: the h of each step, put back into time order, zero past each length
        Tensor y;
        if (src == null && lengths == null) {
            y = Tensor.wrap(r.st[0], B * P, T, B, P);
        } else {
            y = Tensor.zeros(T, B, P);
            for (int s = 0; s < T; s++) {
                for (int b = 0; b < B; b++) {
                    if (lengths != null && s >= lengths.get(b)) continue;
                    int t = src == null ? s : src[s * B + b];
                    System.arraycopy(r.st[0], ((s + 1) * B + b) * P, y.data(), (t * B + b) * P, P);
                }
            }
        }
        Tensor[] outs = new Tensor[1 + ns];
        outs[0] = y;
        for (int k = 0; k < ns; k++) {
            outs[1 + k] = Tensor.zeros(B, widths[k]);
            System.arraycopy(r.st[k], T * B * widths[k], outs[1 + k].data(), 0, B * widths[k]);
        }

        Var[] inputs = new Var[5 + ns];
        inputs[0] = xg;
        inputs[1] = whh;
        inputs[2] = bhh;
        inputs[3] = wr;
        inputs[4] = peep;
        System.arraycopy(initial, 0, inputs, 5, ns);
        return new Node(inputs) {
            @Override
            protected void backward(Tensor[] grads) {
                backwardPass(cell, r, src, lengths, grads, this::grad);
            }

            private Tensor grad(int i) {
                return gradOf(i);
            }
        }.outputs(outs);
    }

    /**
     * For each processing step s and row b, the time index it reads; null when that is s itself.
     * A reverse direction reads {@code len_b − 1 − s}; steps past a length keep their own index
     * (they are masked anyway).
     */
    private static int[] sourceSteps(int T, int B, Lengths lengths, boolean reverse) {
        if (!reverse) return null;
        int[] src = new int[T * B];
        for (int b = 0; b < B; b++) {
            int len = lengths == null ? T : lengths.get(b);
            for (int s = 0; s < T; s++) src[s * B + b] = s < len ? len - 1 - s : s;
        }
        return src;
    }

    /** Fills {@code active} for step s; true when some row is past its length. */
    private static boolean activeRows(Lengths lengths, int s, boolean[] active) {
        boolean masked = false;
        for (int b = 0; b < active.length; b++) {
            active[b] = lengths == null || s < lengths.get(b);
            masked |= !active[b];
        }
        return masked;
    }

    private static void backwardPass(Cell cell, Run r, int[] src, Lengths lengths, Tensor[] grads,
                                     java.util.function.IntFunction<Tensor> gradOf) {
        int T = r.T, B = r.B, H = r.H, GH = r.GH, P = r.P;
        int[] widths = cell.stateWidths();
        int ns = widths.length;
        r.prepareBackward(cell);
        Tensor dy = grads[0] == null ? null : grads[0].contiguous();
        for (int k = 0; k < ns; k++) {
            Tensor dk = grads[1 + k];
            if (dk != null) {
                Tensor c = dk.contiguous();
                System.arraycopy(c.data(), c.offset(), r.d[k], 0, B * widths[k]);
            }
        }
        boolean[] active = new boolean[B];
        float[][] stash = new float[ns][];
        for (int k = 0; k < ns; k++) stash[k] = new float[B * widths[k]];
        for (int s = T - 1; s >= 0; s--) {
            boolean masked = activeRows(lengths, s, active);
            if (dy != null) {
                float[] dd = dy.data();
                for (int b = 0; b < B; b++) {
                    if (!active[b]) continue;
                    int t = src == null ? s : src[s * B + b];
                    add(dd, dy.offset() + (t * B + b) * P, r.d[0], b * P, P);
                }
            }
            if (masked) {
                // a step past the length passes its state's gradient through unchanged
                for (int k = 0; k < ns; k++) {
                    int wk = widths[k];
                    for (int b = 0; b < B; b++) {
                        if (active[b]) continue;
                        System.arraycopy(r.d[k], b * wk, stash[k], b * wk, wk);
                        Arrays.fill(r.d[k], b * wk, (b + 1) * wk, 0f);
                    }
                }
            }
            cell.backward(r, s);
            if (masked) {
                for (int b = 0; b < B; b++) {
                    if (active[b]) continue;
                    for (int k = 0; k < ns; k++) System.arraycopy(stash[k], b * widths[k], r.dPrev[k], b * widths[k], widths[k]);
                    Arrays.fill(r.dxg, (s * B + b) * GH, (s * B + b + 1) * GH, 0f);
                    if (r.dR != r.dxg) Arrays.fill(r.dR, (s * B + b) * GH, (s * B + b + 1) * GH, 0f);
                }
            }
            float[][] swap = r.d;
            r.d = r.dPrev;
            r.dPrev = swap;
        }
        for (int k = 0; k < ns; k++) {
            Tensor d0 = gradOf.apply(5 + k);
            if (d0 != null) add(r.d[k], 0, d0.data(), d0.offset(), B * widths[k]);
        }
        Tensor dxg = gradOf.apply(0);
        if (dxg != null) {
            for (int s = 0; s < T; s++) {
                for (int b = 0; b < B; b++) {
                    int t = src == null ? s : src[s * B + b];
                    add(r.dxg, (s * B + b) * GH, dxg.data(), dxg.offset() + (t * B + b) * GH, GH);
                }
            }
        }
        Tensor dw = gradOf.apply(1);
        if (dw != null) cell.weightGrad(r, dw.data(), dw.offset());
        Tensor db = gradOf.apply(2);
        if (db != null) {
            for (int i = 0; i < T * B; i++) add(r.dR, i * GH, db.data(), db.offset(), GH);
        }
        Tensor dwr = gradOf.apply(3);
        if (dwr != null && T * B > 0) {
            // dW_hr += dHᵀ · m over all steps; m sits at offset H of each saved row
            Backends.active().gemm().sgemm(true, false, P, H, T * B, 1f, r.dHall, 0, P, r.ex, H, r.exWidth,
                    1f, dwr.data(), dwr.offset(), H);
        }
        Tensor dp = gradOf.apply(4);
        if (dp != null) add(r.dPeep, 0, dp.data(), dp.offset(), 3 * H);
    }

    /**
     * {@code dst[dOff..] += src[sOff..]} over n floats: a plain loop, which C2 vectorises, rather
     * than the backend's axpy, whose shared lambda loop boxes once it is megamorphic.
     */
    static void add(float[] src, int sOff, float[] dst, int dOff, int n) {
        for (int i = 0; i < n; i++) dst[dOff + i] += src[sOff + i];
    }
}
