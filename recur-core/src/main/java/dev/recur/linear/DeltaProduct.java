package dev.recur.linear;

import dev.recur.layer.LayerConfig;
import dev.recur.random.Rng;

/**
 * DeltaProduct (Siems, Carstensen, Zela, Hutter, Pontil and Grazzi 2025, "DeltaProduct: Improving
 * State-Tracking in Linear RNNs via Householder Products", eq. 5): n_h delta-rule steps per token,
 * each with its own key, value and β, so the state transition is a product of n_h generalised
 * Householder matrices,
 * <pre>
 *   S_{t,j} = (I − β_{t,j} k_{t,j} k_{t,j}ᵀ) S_{t,j−1} + β_{t,j} k_{t,j} v_{t,j}ᵀ,  j = 1..n_h,
 *   S_{t,0} = α_t S_{t−1}  (α_t = 1 without the forget gate),   o_t = S_{t,n_h}ᵀ q_t
 * </pre>
 * With {@code negative_eigen=true}, β ∈ (0, 2) and each factor has eigenvalues in (−1, 1], which
 * lets the state track parity and permutations (the paper's §4). The layer is
 * {@link DeltaRuleLayer}; options as there, plus {@code householder} (n_h, default 2),
 * {@code forget_gate} (Gated DeltaProduct's α, default false) and {@code output_gate} (default true).
 * {@code chunk} counts Householder steps.
 */
public final class DeltaProduct extends DeltaRuleLayer {
    public DeltaProduct(LayerConfig config, Rng rng) {
        super(config, rng, config.integer("householder", 2, 1, 16), config.bool("forget_gate", false),
                config.bool("output_gate", true));
    }
}
