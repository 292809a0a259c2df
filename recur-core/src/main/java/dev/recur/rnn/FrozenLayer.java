package dev.recur.rnn;

import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.kernel.Gemm;
import dev.recur.layer.LayerState;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.nn.Parameter;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A unidirectional {@link ClassicLayer}'s weights captured for inference steps: the input and
 * recurrent weights packed once for the GEMM kernel, the biases of each gate summed, so that a
 * step costs the two products and one fused gate pass, with no autodiff and no repacking. It does
 * not see later changes to the layer's weights; make a new one after training or loading.
 */
final class FrozenLayer {
    private final Cell cell;
    private final int layers, inputSize;
    private final int[] inWidth;
    private final Gemm.PackedMatrix[] wih;
    private final float[][] bias, bhhSeparate, whh, wr, peep;
    private final Gemm.PackedMatrix[][] packs;
    private final Gemm.PackedMatrix[] cat; // per layer: [W_ih | W_hh] packed as one (I + P, G·H) operand, or null
    private final FusedStep[] fused; // per layer: the small-batch step, or null where it does not apply

    /** {@code smallBatch}: also pack the {@link FusedStep} of each layer that has one (for streams). */
    FrozenLayer(ClassicLayer layer, Cell cell, int layers, Parameter[] wihP, Parameter[] whhP, Parameter[] bihP, Parameter[] bhhP,
                Parameter[] whrP, Parameter[] peepP, boolean smallBatch) {
        this.cell = cell;
        this.layers = layers;
        this.inputSize = layer.inputSize();
        int GH = cell.gates * cell.hidden, H = cell.hidden;
        var gemm = Backends.active().gemm();
        inWidth = new int[layers];
        wih = new Gemm.PackedMatrix[layers];
        bias = new float[layers][];
        bhhSeparate = new float[layers][];
        whh = new float[layers][];
        wr = new float[layers][];
        peep = new float[layers][];
        packs = new Gemm.PackedMatrix[layers][];
        fused = new FusedStep[layers];
        cat = new Gemm.PackedMatrix[layers];
        boolean vector = smallBatch && Backends.active().activations().getClass().getName().contains(".vector.");
        for (int l = 0; l < layers; l++) {
            Tensor wi = wihP[l].value().contiguous();
            inWidth[l] = wi.dim(1);
            wih[l] = gemm.packB(true, inWidth[l], GH, wi.data(), wi.offset(), inWidth[l]);
            float[] bi = bihP[l] == null ? new float[GH] : bihP[l].value().contiguous().toArray();
            float[] bh = bhhP[l] == null ? null : bhhP[l].value().contiguous().toArray();
            boolean separate = false;
            if (bh != null) {
                for (int g = 0; g < cell.gates; g++) {
                    if (cell.foldsBias(g)) for (int j = 0; j < H; j++) bi[g * H + j] += bh[g * H + j];
                    else separate = true;
                }
            }
            bias[l] = bi;
            bhhSeparate[l] = separate ? bh : null;
            whh[l] = whhP[l].value().contiguous().toArray();
            wr[l] = whrP[l] == null ? null : whrP[l].value().contiguous().toArray();
            peep[l] = peepP[l] == null ? null : peepP[l].value().contiguous().toArray();
            packs[l] = new Gemm.PackedMatrix[64];
            if (!smallBatch && cell.fusesInputProduct()) {
                // the sequence loop's one product per step: [x_t | h | 1] · [W_ih | W_hh | b]ᵀ (the
                // biases as one more input column, so that the gates need no bias pass before it)
                int I = inWidth[l], P = cell.outWidth, K = I + P + 1;
                float[] w = new float[GH * K];
                float[] wd = wi.data();
                for (int j = 0; j < GH; j++) {
                    System.arraycopy(wd, wi.offset() + j * I, w, j * K, I);
                    System.arraycopy(whh[l], j * P, w, j * K + I, P);
                    w[j * K + I + P] = bi[j];
                }
                cat[l] = gemm.packB(true, K, GH, w, 0, K);
            } else {
                cell.rec.pack(cell.gateRanges(), whh[l], 0, packs[l]);
            }
            if (wr[l] != null) packs[l][63] = gemm.packB(true, H, cell.outWidth, wr[l], 0, H);
            if (vector) {
                fused[l] = FusedStep.of(cell, true, inWidth[l], wi.contiguous().toArray(), whh[l],
                        bihP[l] == null ? null : bihP[l].value().contiguous().toArray(), bh, peep[l]);
            }
        }
    }

    /** Layer l's {@link FusedStep}, or null where it has none. */
    FusedStep fusedFor(int l) {
        return fused[l];
    }

    /** Whether layer l steps through a {@link FusedStep} at small batches. */
    boolean fused(int l) {
        return fused[l] != null;
    }

    /** One step of every layer: x (B, inputSize), state as the layer's (null for zeros). */
    StepOutput step(Tensor x, LayerState state) {
        if (x.rank() != 2 || x.dim(1) != inputSize) {
            throw new ShapeException("step input must be (B, " + inputSize + "), found " + Shapes.toString(x.shape()));
        }
        int B = x.dim(0), GH = cell.gates * cell.hidden;
        String[] names = cell.stateNames();
        int[] widths = cell.stateWidths();
        Tensor[] prev = new Tensor[names.length], next = new Tensor[names.length];
        for (int k = 0; k < names.length; k++) {
            if (state != null) {
                prev[k] = state.get(names[k]).value().contiguous();
                int[] sh = prev[k].shape(); // checked by hand first: the message's string is built only on a mismatch
                if (sh.length != 3 || sh[0] != layers || sh[1] != B || sh[2] != widths[k]) {
                    Shapes.check("state " + names[k], sh, layers, B, widths[k]);
                }
            }
            next[k] = Tensor.zeros(layers, B, widths[k]);
        }
        Tensor xc = x.contiguous();
        float[] in = xc.data();
        int inOff = xc.offset();
        var gemm = Backends.active().gemm();
        for (int l = 0; l < layers; l++) {
            if (fused[l] != null && B <= FusedStep.MAX_BATCH) {
                fusedStep(l, B, in, inOff, prev, next);
                in = next[0].data();
                inOff = l * B * widths[0];
                continue;
            }
            Run r = new Run(cell, 1, B, whh[l], 0, bhhSeparate[l], wr[l], peep[l], packs[l]);
            gemm.sgemm(false, B, 1f, in, inOff, inWidth[l], wih[l], 0f, r.g, 0, GH);
            for (int b = 0; b < B; b++) RecurrentOp.add(bias[l], 0, r.g, b * GH, GH);
            for (int k = 0; k < names.length; k++) {
                int n = B * widths[k];
                if (prev[k] != null) System.arraycopy(prev[k].data(), prev[k].offset() + l * n, r.st[k], 0, n);
            }
            cell.forward(r, 0);
            for (int k = 0; k < names.length; k++) {
                int n = B * widths[k];
                System.arraycopy(r.st[k], n, next[k].data(), l * n, n);
            }
            in = next[0].data();
            inOff = l * B * widths[0];
        }
        Map<String, Var> m = new LinkedHashMap<>();
        for (int k = 0; k < names.length; k++) m.put(names[k], Var.constant(next[k]));
        Tensor y = Tensor.zeros(B, widths[0]); // a copy: the caller may change the output, not the state
        System.arraycopy(next[0].data(), (layers - 1) * B * widths[0], y.data(), 0, B * widths[0]);
        return new StepOutput(Var.constant(y), new LayerState(m));
    }

    /**
     * Every layer over a whole sequence x (T, B, inputSize) from {@code state} (null for zeros),
     * without autodiff: the output (T, B, out) and the final states as the layer returns them. The
     * step loop keeps one step's gates and two state slots (an inference pass needs nothing of
     * the steps behind it), so its working set stays in cache: per step the input projection of
     * x_t (one small GEMM; for cells with one recurrent product, one GEMM over {@code [x_t | h | 1]}
     * for both and the biases), the cell's step, and copies of the new state.
     */
    SequenceOutput sequence(Tensor x, LayerState state) {
        int T = x.dim(0), B = x.dim(1), GH = cell.gates * cell.hidden;
        String[] names = cell.stateNames();
        int[] widths = cell.stateWidths();
        Tensor[] prev = new Tensor[names.length], finals = new Tensor[names.length];
        for (int k = 0; k < names.length; k++) {
            if (state != null) prev[k] = state.get(names[k]).value().contiguous();
            finals[k] = Tensor.zeros(layers, B, widths[k]);
        }
        Tensor xc = x.contiguous(), y = null;
        float[] in = xc.data();
        int inOff = xc.offset();
        var gemm = Backends.active().gemm();
        for (int l = 0; l < layers; l++) {
            int I = inWidth[l], P = widths[0];
            y = Tensor.zeros(T, B, P);
            float[] yd = y.data();
            Run r = new Run(cell, 1, B, whh[l], 0, bhhSeparate[l], wr[l], peep[l], packs[l]);
            for (int k = 0; k < names.length; k++) {
                int n = B * widths[k];
                if (prev[k] != null) System.arraycopy(prev[k].data(), prev[k].offset() + l * n, r.st[k], 0, n);
            }
            int K = I + P + 1;
            float[] z = cat[l] == null ? null : new float[B * K];
            for (int b = 0; z != null && b < B; b++) z[b * K + K - 1] = 1f;
            r.productDone = z != null;
            for (int t = 0; t < T; t++) {
                if (z != null) {
                    for (int b = 0; b < B; b++) {
                        System.arraycopy(in, inOff + (t * B + b) * I, z, b * K, I);
                        System.arraycopy(r.st[0], b * P, z, b * K + I, P);
                    }
                    gemm.sgemm(false, B, 1f, z, 0, K, cat[l], 0f, r.g, 0, GH);
                } else {
                    for (int b = 0; b < B; b++) System.arraycopy(bias[l], 0, r.g, b * GH, GH);
                    gemm.sgemm(false, B, 1f, in, inOff + t * B * I, I, wih[l], 1f, r.g, 0, GH);
                }
                cell.forward(r, 0);
                for (int k = 0; k < names.length; k++) System.arraycopy(r.st[k], B * widths[k], r.st[k], 0, B * widths[k]);
                System.arraycopy(r.st[0], 0, yd, t * B * P, B * P);
            }
            for (int k = 0; k < names.length; k++) System.arraycopy(r.st[k], 0, finals[k].data(), l * B * widths[k], B * widths[k]);
            in = yd;
            inOff = 0;
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int k = 0; k < names.length; k++) m.put(names[k], finals[k]);
        return new SequenceOutput(Var.constant(y), LayerState.fromTensors(m));
    }

    /** Layer l's step through its {@link FusedStep}: from prev's slice l (zeros when null) into next's. */
    private void fusedStep(int l, int B, float[] in, int inOff, Tensor[] prev, Tensor[] next) {
        FusedStep f = fused[l];
        int H = cell.hidden, n = B * H;
        float[] zeros = prev[0] == null ? new float[n] : null;
        float[] h = prev[0] == null ? zeros : prev[0].data();
        int ho = prev[0] == null ? 0 : prev[0].offset() + l * n;
        boolean lstm = next.length > 1;
        float[] c = !lstm ? null : prev[1] == null ? (zeros != null ? zeros : new float[n]) : prev[1].data();
        int co = !lstm || prev[1] == null ? 0 : prev[1].offset() + l * n;
        f.step(B, in, inOff, inWidth[l], h, ho, c, co, next[0].data(), l * n, lstm ? next[1].data() : null, l * n,
                new float[f.scratch(B)]);
    }
}
