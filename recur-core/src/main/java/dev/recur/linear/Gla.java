package dev.recur.linear;

import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceOutput;
import dev.recur.nn.Linear;
import dev.recur.nn.Module;
import dev.recur.ops.Arith;
import dev.recur.random.Rng;
import dev.recur.ssm.CausalConv;

import java.util.Map;

/**
 * Gated linear attention (Yang et al. 2023, "Gated Linear Attention Transformers with
 * Hardware-Efficient Training", §4.4, the GLA layer): per head,
 * <pre>
 *   q = x W_q · dk^{−1/2},  k = x W_k,  v = x W_v,
 *   log α = log sigmoid(x W_α1 W_α2 + b_α) / τ       (low-rank gate, temperature τ = 16)
 *   S_t = diag(α_t) S_{t−1} + k_tᵀ v_t,  o_t = q_t S_t
 *   y = (RMSNorm(o) ⊙ Swish(x W_r)) W_O
 * </pre>
 * (the paper's LayerNorm is the RMSNorm of its reference code). Options: {@code heads},
 * {@code chunk}, {@code mode} (see {@link LinearAttentionLayer}), {@code expand_k} (key width as a
 * fraction of the model width, default 0.5), {@code gate_rank} (16), {@code gate_temperature} (16),
 * {@code conv} (short convolution width on q, k, v; default 0, none). State: {@code S}
 * (B, H, dk, dv), plus {@code conv_q}, {@code conv_k}, {@code conv_v} with a convolution.
 */
public final class Gla extends LinearAttentionLayer {
    private final int dk, dv;
    private final float temperature;
    private final Linear qProj, kProj, vProj, gProj, oProj;
    private final LowRankGate gkProj;
    private final CausalConv qConv, kConv, vConv;
    private final GatedRmsNorm norm;

    public Gla(LayerConfig config, Rng rng) {
        super(config);
        int keyWidth = (int) Math.round(width * config.real("expand_k", 0.5, 1e-3, 8));
        int rank = config.integer("gate_rank", 16, 1, 4096);
        temperature = (float) config.real("gate_temperature", 16, 1e-3, 1e6);
        int convWidth = config.integer("conv", 0, 0, 64);
        if (keyWidth % heads != 0 || keyWidth == 0) {
            throw new dev.recur.ConfigException(config.name() + ": key width " + keyWidth + " (expand_k) is not divisible by heads=" + heads);
        }
        dk = keyWidth / heads;
        dv = width / heads;
        qProj = child("q_proj", new Linear(inputSize, keyWidth, false, rng));
        kProj = child("k_proj", new Linear(inputSize, keyWidth, false, rng));
        vProj = child("v_proj", new Linear(inputSize, width, false, rng));
        gProj = child("g_proj", new Linear(inputSize, width, false, rng));
        gkProj = child("gk_proj", new LowRankGate(inputSize, rank, keyWidth, rng));
        qConv = convWidth > 0 ? child("q_conv1d", new CausalConv(keyWidth, convWidth, false, rng)) : null;
        kConv = convWidth > 0 ? child("k_conv1d", new CausalConv(keyWidth, convWidth, false, rng)) : null;
        vConv = convWidth > 0 ? child("v_conv1d", new CausalConv(width, convWidth, false, rng)) : null;
        norm = child("g_norm", new GatedRmsNorm(dv, GatedRmsNorm.Gate.SILU));
        oProj = child("o_proj", new Linear(width, width, false, rng));
    }

    @Override
    protected SequenceOutput mix(Var x, Heads geo, Lengths lengths, LayerState state, Form form) {
        Var[] q = convolved(qProj.forward(x), qConv, state, "conv_q", lengths);
        Var[] k = convolved(kProj.forward(x), kConv, state, "conv_k", lengths);
        Var[] v = convolved(vProj.forward(x), vConv, state, "conv_v", lengths);
        Var gk = FeatureMaps.logSigmoid(gkProj.forward(x), 1f / temperature);
        Var qs = Arith.scale(q[0], (float) (1 / Math.sqrt(dk)));
        Var[] core = GlaOp.apply(geo, lengths, form, dk, dv, qs, k[0], v[0], gk, stateOf(state, "S"));
        Var y = oProj.forward(norm.apply(core[0], gProj.forward(x), geo, lengths));
        return new SequenceOutput(y, newState("S", core[1], "conv_q", q[1], "conv_k", k[1], "conv_v", v[1]));
    }

    @Override
    protected Map<String, int[]> stateShapes(int batch) {
        return matrixStateShapes(batch, heads, dk, dv, qConv, kConv, vConv);
    }

    /** The gate's low-rank projection {@code x W_α1 W_α2 + b_α}, named as flash-linear-attention's gk_proj.0 and gk_proj.1. */
    private static final class LowRankGate extends Module {
        private final Linear down, up;

        LowRankGate(int in, int rank, int out, Rng rng) {
            down = child("0", new Linear(in, rank, false, rng));
            up = child("1", new Linear(rank, out, true, rng));
        }

        Var forward(Var x) {
            return up.forward(down.forward(x));
        }
    }
}
