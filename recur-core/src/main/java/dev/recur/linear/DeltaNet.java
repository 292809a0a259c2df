package dev.recur.linear;

import dev.recur.layer.LayerConfig;
import dev.recur.random.Rng;

/**
 * DeltaNet: linear attention with the delta rule (Schlag et al. 2021, "Linear Transformers Are
 * Secretly Fast Weight Programmers"; Yang et al. 2024, "Parallelizing Linear Transformers with the
 * Delta Rule over Sequence Length", eq. 1 and §4.1's layer: L2-normalised q and k, β = sigmoid,
 * short convolutions):
 * <pre>
 *   S_t = S_{t−1} − β_t k_t (k_tᵀ S_{t−1} − v_tᵀ) = (I − β_t k_t k_tᵀ) S_{t−1} + β_t k_t v_tᵀ,   o_t = S_tᵀ q_t
 * </pre>
 * The layer is {@link DeltaRuleLayer} with one Householder step per token and no forget gate.
 * Options as there, plus {@code output_gate} (a Swish gate on the normalised output, default false).
 */
public final class DeltaNet extends DeltaRuleLayer {
    public DeltaNet(LayerConfig config, Rng rng) {
        super(config, rng, 1, false, config.bool("output_gate", false));
    }
}
