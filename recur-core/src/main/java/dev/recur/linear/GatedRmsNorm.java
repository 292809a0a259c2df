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

    /** {@code o} (T, B, H·dv) or (B, H·dv); {@code z} the same shape, or null for {@link Gate#NONE}. */
    Var apply(Var o, Var z, Heads geo, Lengths lengths) {
        Tensor ov = o.value().contiguous(), zv = z == null ? null : z.value().contiguous(), w = weight.value();
        int n = ov.numel(), rows = n / dv, width = n / (geo.steps() * geo.batch());
        boolean[] live = liveRows(geo, lengths, rows, width);
        Norms norms = Backends.active().norms();
        Tensor normed = Tensor.zeros(ov.shape()), y = Tensor.zeros(ov.shape());
        float[] rstd = new float[rows], act = z == null ? null : new float[n];
        norms.rmsNorm(ov.data(), ov.offset(), w.data(), normed.data(), 0, rstd, rows, dv, EPS);
        if (z != null) activate(zv, act, n);
        for (int r = 0; r < rows; r++) {
            if (!live[r]) continue;
            for (int j = r * dv; j < (r + 1) * dv; j++) y.data()[j] = act == null ? normed.data()[j] : normed.data()[j] * act[j];
        }
        return new Node(o, weight, z) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dy = g[0].contiguous();
                Tensor dO = gradOf(0), dW = gradOf(1), dZ = gradOf(2);
                float[] dn = new float[n];
                for (int r = 0; r < rows; r++) {
                    if (!live[r]) continue;
                    for (int j = r * dv; j < (r + 1) * dv; j++) {
                        float d = dy.data()[dy.offset() + j];
                        dn[j] = act == null ? d : d * act[j];
                        if (dZ != null) dZ.data()[dZ.offset() + j] += d * normed.data()[j] * activationSlope(zv, act, j);
                    }
                }
                float[] dx = dO != null ? dO.data() : new float[n], dw = new float[dv];
                norms.rmsNormBackward(ov.data(), ov.offset(), w.data(), dn, 0, rstd, dx, dO != null ? dO.offset() : 0, dw, rows, dv);
                if (dW != null) Blas.axpy(1f, dw, 0, dW.data(), dW.offset(), dv);
            }
        }.output(y);
    }

    private void activate(Tensor z, float[] act, int n) {
        if (gate == Gate.SILU) {
            Backends.active().activations().silu(z.data(), z.offset(), act, 0, n);
        } else {
            Backends.active().activations().sigmoid(z.data(), z.offset(), act, 0, n);
        }
    }

    /** d act(z)/dz at element j, from z and act(z). */
    private float activationSlope(Tensor z, float[] act, int j) {
        float x = z.data()[z.offset() + j];
        if (gate == Gate.SIGMOID) return act[j] * (1 - act[j]);
        float s = (float) (1 / (1 + Math.exp(-x)));
        return s * (1 + x * (1 - s));
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
