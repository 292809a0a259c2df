package dev.recur.linear;

import dev.recur.layer.LayerConfig;
import dev.recur.random.Rng;

/**
 * Gated DeltaNet (Yang, Kautz and Hatamizadeh 2024, "Gated Delta Networks: Improving Mamba2 with
 * Delta Rule", eq. 10 and §3.4's layer): the delta rule with a data-dependent decay α_t ∈ (0, 1],
 * <pre>
 *   S_t = α_t (I − β_t k_t k_tᵀ) S_{t−1} + β_t k_t v_tᵀ,   o_t = S_tᵀ q_t,
 *   α_t = exp(−exp(A_log) softplus(x_t W_a + dt_bias))
 * </pre>
 * and a Swish output gate. The layer is {@link DeltaRuleLayer} with one Householder step and the
 * forget gate. Options as there, plus {@code output_gate} (default true).
 */
public final class GatedDeltaNet extends DeltaRuleLayer {
    public GatedDeltaNet(LayerConfig config, Rng rng) {
        super(config, rng, 1, true, config.bool("output_gate", true));
    }
}
