package dev.recur.linear;

import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceOutput;
import dev.recur.nn.Linear;
import dev.recur.ops.Arith;
import dev.recur.ops.Pointwise;
import dev.recur.random.Rng;
import dev.recur.ssm.CausalConv;

import java.util.Map;

/**
 * The mixer shared by DeltaNet, Gated DeltaNet and DeltaProduct (flash-linear-attention's layer
 * structure for all three): per head, with n_h Householder steps per token (1 but for DeltaProduct),
 * <pre>
 *   q = L2(silu(conv(x W_q))) · dk^{−1/2},  k_j = L2(silu(conv(x W_k)_j)),  v_j = silu(conv(x W_v)_j)
 *   β_j = sigmoid(x W_β)_j          (times 2 with negative_eigen: eigenvalues of I − β k kᵀ in [−1, 1])
 *   g = −exp(A_log) softplus(x W_a + dt_bias)                       (only with a forget gate)
 *   S ← exp(g) (I − β_1 k_1 k_1ᵀ) S + β_1 k_1 v_1ᵀ,  S ← (I − β_j k_j k_jᵀ) S + β_j k_j v_jᵀ (j > 1)
 *   o = Sᵀ q,   y = (RMSNorm(o) [⊙ silu(x W_g)]) W_O
 * </pre>
 * (without a convolution, silu applies to the projections directly). Common options:
 * {@code heads}, {@code chunk} (counted in Householder steps, rounded down to a multiple of n_h),
 * {@code mode}, {@code conv} (short
 * convolution width, default 4; 0 for none), {@code negative_eigen} (default false). State:
 * {@code S} (B, H, dk, dv) and, with a convolution, {@code conv_q}, {@code conv_k}, {@code conv_v}.
 */
public abstract class DeltaRuleLayer extends LinearAttentionLayer {
    private final int nh, dk, dv, positionChunk;
    private final boolean negativeEigen;
    private final Linear qProj, kProj, vProj, bProj, aProj, gProj, oProj;
    private final CausalConv qConv, kConv, vConv;
    private final Var aLog, dtBias;
    private final GatedRmsNorm norm;

    /**
     * @param householder n_h, the Householder steps per token
     * @param gated       whether a forget gate (Gated DeltaNet's α) decays the state each token
     * @param outputGate  whether a Swish gate multiplies the normalised output
     */
    protected DeltaRuleLayer(LayerConfig config, Rng rng, int householder, boolean gated, boolean outputGate) {
        super(config);
        this.nh = householder;
        this.negativeEigen = config.bool("negative_eigen", false);
        int convWidth = config.integer("conv", 4, 0, 64);
        dk = width / heads;
        dv = width / heads;
        positionChunk = Math.max(nh, chunk - chunk % nh);
        qProj = child("q_proj", new Linear(inputSize, width, false, rng));
        kProj = child("k_proj", new Linear(inputSize, nh * width, false, rng));
        vProj = child("v_proj", new Linear(inputSize, nh * width, false, rng));
        bProj = child("b_proj", new Linear(inputSize, nh * heads, false, rng));
        aProj = gated ? child("a_proj", new Linear(inputSize, heads, false, rng)) : null;
        aLog = gated ? parameter("A_log", DecayGate.initialALog(heads, rng)) : null;
        dtBias = gated ? parameter("dt_bias", DecayGate.initialDtBias(heads, rng)) : null;
        gProj = outputGate ? child("g_proj", new Linear(inputSize, width, false, rng)) : null;
        qConv = convWidth > 0 ? child("q_conv1d", new CausalConv(width, convWidth, false, rng)) : null;
        kConv = convWidth > 0 ? child("k_conv1d", new CausalConv(nh * width, convWidth, false, rng)) : null;
        vConv = convWidth > 0 ? child("v_conv1d", new CausalConv(nh * width, convWidth, false, rng)) : null;
        norm = child("o_norm", new GatedRmsNorm(dv, outputGate ? GatedRmsNorm.Gate.SILU : GatedRmsNorm.Gate.NONE));
        oProj = child("o_proj", new Linear(width, width, false, rng));
    }

    /** Householder steps per token. */
    public int householder() {
        return nh;
    }

    @Override
    protected SequenceOutput mix(Var x, Heads geo, Lengths lengths, LayerState state, Form form) {
        Var[] q = convolved(qProj.forward(x), qConv, state, "conv_q", lengths);
        Var[] k = convolved(kProj.forward(x), kConv, state, "conv_k", lengths);
        Var[] v = convolved(vProj.forward(x), vConv, state, "conv_v", lengths);
        Var qf = FeatureMaps.l2Normalize(qConv == null ? Pointwise.silu(q[0]) : q[0], dk, (float) (1 / Math.sqrt(dk)));
        Var kf = FeatureMaps.l2Normalize(kConv == null ? Pointwise.silu(k[0]) : k[0], dk, 1f);
        Var vf = vConv == null ? Pointwise.silu(v[0]) : v[0];
        Var beta = Pointwise.sigmoid(bProj.forward(x));
        if (negativeEigen) beta = Arith.scale(beta, 2f);
        Var g = aProj == null ? null : DecayGate.apply(aProj.forward(x), aLog, dtBias);
        Var[] core = DeltaOp.apply(geo, lengths, new Form(form.chunked(), positionChunk), nh, dk, dv, qf, kf, vf, beta, g, stateOf(state, "S"));
        Var y = oProj.forward(norm.apply(core[0], gProj == null ? null : gProj.forward(x), geo, lengths));
        return new SequenceOutput(y, newState("S", core[1], "conv_q", q[1], "conv_k", k[1], "conv_v", v[1]));
    }

    @Override
    protected Map<String, int[]> stateShapes(int batch) {
        return matrixStateShapes(batch, heads, dk, dv, qConv, kConv, vConv);
    }
}
