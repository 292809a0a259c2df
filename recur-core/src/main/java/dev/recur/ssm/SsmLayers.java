package dev.recur.ssm;

import dev.recur.layer.LayerRegistry;

/** Registers the state-space layers: {@code s4d}, {@code lssl}, {@code mamba}. */
public final class SsmLayers {
    private SsmLayers() {}

    public static void register() {
        LayerRegistry.register("s4d", "S4D diagonal state space (FFT convolution or recurrence), GELU and GLU output",
                (c, rng) -> S4d.fromConfig(c, rng, false));
        LayerRegistry.register("lssl", "LSSL's HiPPO-LegS state space in diagonal form (S4D-LegS), bilinear",
                (c, rng) -> S4d.fromConfig(c, rng, true));
        LayerRegistry.register("mamba", "Mamba selective state space (input-dependent dt, B, C; conv and SiLU gate)",
                Mamba::fromConfig);
    }
}
