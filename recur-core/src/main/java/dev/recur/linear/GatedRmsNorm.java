package dev.recur.linear;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.kernel.Norms;
import dev.recur.layer.Lengths;
import dev.recur.nn.Module;
import dev.recur.tensor.Tensor;

/**
 * The output normalisation of the linear-attention layers: RMSNorm over each head's value vector
 * (one weight of size dv shared by the heads), times an activated output gate, as GLA's
 * "LN(o) ⊙ Swish(r)" and flash-linear-attention's gated RMSNorm. Steps past a sequence's length
 * are zero.
 */
final class GatedRmsNorm extends Module {
    /** How the gate is activated: none (no gate input), Swish/SiLU, or sigmoid (xLSTM's output gate). */
    enum Gate { NONE, SILU, SIGMOID }

    static final float EPS = 1e-5f;
    private final Var weight;
    private final int dv;
    private final Gate gate;

    GatedRmsNorm(int dv, Gate gate) {
        this.dv = dv;
        this.gate = gate;
        weight = parameter("weight", Tensor.full(1f, dv));
    }

    /** Rows of dv per parallel block (a fixed size, so the weight gradient's partial sums do not depend on the thread count). */
    static final int BLOCK_ROWS = 256;

    /** {@code o} (T, B, H·dv) or (B, H·dv); {@code z} the same shape, or null for {@link Gate#NONE}. */
    Var apply(Var o, Var z, Heads geo, Lengths lengths) {
        Tensor ov = o.value().contiguous(), zv = z == null ? null : z.value().contiguous(), w = weight.value();
        int n = ov.numel(), rows = n / dv, width = n / (geo.steps() * geo.batch());
        boolean[] live = liveRows(geo, lengths, rows, width);
        Norms norms = Backends.active().norms();
        Tensor normed = Tensor.zeros(ov.shape()), y = Tensor.zeros(ov.shape());
        // rstd per row; act = the activated gate, sig = sigmoid(z) (the SiLU's slope needs it)
        float[] rstd = new float[rows], act = z == null ? null : new float[n], sig = gate == Gate.SILU ? new float[n] : null;
        float[] od = ov.data(), nd = normed.data(), yd = y.data();
        Blas.forBlocks(rows, BLOCK_ROWS, (r0, r1) -> {
            int e0 = r0 * dv, len = (r1 - r0) * dv;
            float[] rs = new float[r1 - r0];
            norms.rmsNorm(od, ov.offset() + e0, w.data(), nd, e0, rs, r1 - r0, dv, EPS);
            System.arraycopy(rs, 0, rstd, r0, r1 - r0);
            if (z != null) activate(zv, e0, act, sig, len);
            for (int r = r0; r < r1; r++) {
                if (!live[r]) continue;
                if (act == null) System.arraycopy(nd, r * dv, yd, r * dv, dv);
                else Blas.mul(nd, r * dv, act, r * dv, yd, r * dv, dv);
            }
        });
        return new Node(o, weight, z) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dy = g[0].contiguous();
                Tensor dO = gradOf(0), dW = gradOf(1), dZ = gradOf(2);
                float[] dyd = dy.data(), dx = dO != null ? dO.data() : null;
                int blocks = Blas.blocks(rows, BLOCK_ROWS);
                float[][] dws = new float[blocks][];
                Blas.forBlocks(rows, BLOCK_ROWS, (r0, r1) -> {
                    int e0 = r0 * dv, len = (r1 - r0) * dv;
                    float[] dn = new float[len], slope = dZ != null && act != null ? new float[len] : null;
                    if (slope != null) activationSlope(zv, e0, act, sig, slope, len);
                    for (int r = r0; r < r1; r++) {
                        if (!live[r]) continue;
                        int j0 = r * dv, l0 = j0 - e0;
                        if (act == null) System.arraycopy(dyd, dy.offset() + j0, dn, l0, dv);
                        else Blas.mul(dyd, dy.offset() + j0, act, j0, dn, l0, dv);
                        if (slope != null) { // dZ += dy * normed * act'(z)
                            float[] dz = dZ.data();
                            int zo = dZ.offset() + j0;
                            for (int j = 0; j < dv; j++) dz[zo + j] += dyd[dy.offset() + j0 + j] * nd[j0 + j] * slope[l0 + j];
                        }
                    }
                    float[] rs = java.util.Arrays.copyOfRange(rstd, r0, r1), dw = new float[dv];
                    norms.rmsNormBackward(od, ov.offset() + e0, w.data(), dn, 0, rs, dx, dO != null ? dO.offset() + e0 : 0,
                            dw, r1 - r0, dv);
                    dws[r0 / BLOCK_ROWS] = dw;
                });
                if (dW != null) for (float[] dw : dws) Blas.axpy(1f, dw, 0, dW.data(), dW.offset(), dv);
            }
        }.output(y);
    }

    /** The activated gate of elements {@code [e0, e0+len)} into {@code act} (and, for SiLU, sigmoid(z) into {@code sig}). */
    private void activate(Tensor z, int e0, float[] act, float[] sig, int len) {
        if (gate == Gate.SILU) {
            Backends.active().activations().silu(z.data(), z.offset() + e0, act, e0, len);
            Backends.active().activations().sigmoid(z.data(), z.offset() + e0, sig, e0, len);
        } else {
            Backends.active().activations().sigmoid(z.data(), z.offset() + e0, act, e0, len);
        }
    }

    /** d act(z)/dz of elements {@code [e0, e0+len)} into {@code slope[0, len)}, from z and the saved activations. */
    private void activationSlope(Tensor z, int e0, float[] act, float[] sig, float[] slope, int len) {
        float[] zd = z.data();
        int zo = z.offset() + e0;
        for (int j = 0; j < len; j++) {
            if (gate == Gate.SIGMOID) {
                float a = act[e0 + j];
                slope[j] = a * (1 - a);
            } else {
                float x = zd[zo + j], s = sig[e0 + j];
                slope[j] = s * (1 + x * (1 - s));
            }
        }
    }

    /** Which rows of dv (per step, batch entry and head) lie within their sequence's length. */
    private boolean[] liveRows(Heads geo, Lengths lengths, int rows, int width) {
        boolean[] live = new boolean[rows];
        int perStep = geo.batch() * (width / dv);
        for (int r = 0; r < rows; r++) {
            int t = r / perStep, b = (r % perStep) / (width / dv);
            live[r] = t < geo.length(lengths, b);
        }
        return live;
    }
}
