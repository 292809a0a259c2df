package dev.recur.linear;

import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceOutput;
import dev.recur.nn.Linear;
import dev.recur.ops.Arith;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mLSTM mixer (Beck et al. 2024, "xLSTM: Extended Long Short-Term Memory", §2.3, eqs. 19-27):
 * per head, a matrix memory with exponential input gate, sigmoid forget gate, normaliser and
 * stabiliser,
 * <pre>
 *   q = x W_q,  k = x W_k / √dk,  v = x W_v,  ĩ = x w_i + b_i,  log f = log sigmoid(x w_f + b_f)
 *   C_t = f_t C_{t−1} + i_t v_t k_tᵀ,  n_t = f_t n_{t−1} + i_t k_t,  i_t = exp(ĩ_t)
 *   h̃_t = C_t q_t / max(|n_tᵀ q_t|, 1)      (computed stabilised, see {@link MlstmRecurrence})
 *   y = (RMSNorm(h̃) ⊙ sigmoid(x W_o)) W_out
 * </pre>
 * with the gates computed from the layer input as in xLSTM 7B, and the per-head norm and output
 * gate of the mLSTM block. Gate initialisation follows the xLSTM code: zero gate weights, forget
 * bias linearly spaced in [3, 6] over the heads, input bias N(0, 0.1). Options: {@code heads},
 * {@code chunk}, {@code mode}. State: {@code C} (B, H, dk, dv), {@code n} (B, H, dk), {@code m}
 * (B, H), all zero initially.
 */
public final class Mlstm extends LinearAttentionLayer {
    private final int dk, dv;
    private final Linear qProj, kProj, vProj, iGate, fGate, oGate, outProj;
    private final GatedRmsNorm norm;

    public Mlstm(LayerConfig config, Rng rng) {
        super(config);
        dk = width / heads;
        dv = width / heads;
        qProj = child("q_proj", new Linear(inputSize, width, false, rng));
        kProj = child("k_proj", new Linear(inputSize, width, false, rng));
        vProj = child("v_proj", new Linear(inputSize, width, false, rng));
        iGate = child("igate", new Linear(inputSize, heads, true, rng));
        fGate = child("fgate", new Linear(inputSize, heads, true, rng));
        oGate = child("ogate", new Linear(inputSize, width, false, rng));
        norm = child("norm", new GatedRmsNorm(dv, GatedRmsNorm.Gate.SIGMOID));
        outProj = child("out_proj", new Linear(width, width, false, rng));
        iGate.weight().value().fill(0f);
        fGate.weight().value().fill(0f);
        Tensor fb = fGate.bias().value(), ib = iGate.bias().value();
        for (int h = 0; h < heads; h++) {
            fb.data()[h] = heads == 1 ? 3f : 3f + 3f * h / (heads - 1);
            ib.data()[h] = (float) (0.1 * rng.nextGaussian());
        }
    }

    @Override
    protected SequenceOutput mix(Var x, Heads geo, Lengths lengths, LayerState state, Form form) {
        Var k = Arith.scale(kProj.forward(x), (float) (1 / Math.sqrt(dk)));
        Var lf = FeatureMaps.logSigmoid(fGate.forward(x), 1f);
        Var[] core = MlstmOp.apply(geo, lengths, form, dk, dv, qProj.forward(x), k, vProj.forward(x), iGate.forward(x), lf,
                stateOf(state, "C"), stateOf(state, "n"), stateOf(state, "m"));
        Var y = outProj.forward(norm.apply(core[0], oGate.forward(x), geo, lengths));
        return new SequenceOutput(y, newState("C", core[1], "n", core[2], "m", core[3]));
    }

    @Override
    protected Map<String, int[]> stateShapes(int batch) {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("C", new int[] {batch, heads, dk, dv});
        m.put("n", new int[] {batch, heads, dk});
        m.put("m", new int[] {batch, heads});
        return m;
    }
}
