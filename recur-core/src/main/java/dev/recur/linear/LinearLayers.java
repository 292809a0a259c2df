package dev.recur.linear;

import dev.recur.layer.LayerRegistry;

/** Registers the linear-attention layers by name (called from the layer registry's built-ins). */
public final class LinearLayers {
    private LinearLayers() {}

    public static void register() {
        LayerRegistry.register("gla", "gated linear attention (Yang et al. 2023), chunkwise and recurrent", Gla::new);
        LayerRegistry.register("deltanet", "DeltaNet: linear attention with the delta rule (Yang et al. 2024)", DeltaNet::new);
        LayerRegistry.register("gated_deltanet", "Gated DeltaNet: delta rule with a decay gate (Yang et al. 2024)", GatedDeltaNet::new);
        LayerRegistry.register("deltaproduct", "DeltaProduct: n_h Householder steps per token (Siems et al. 2025)", DeltaProduct::new);
        LayerRegistry.register("mlstm", "mLSTM: xLSTM's matrix memory with exponential gating (Beck et al. 2024)", Mlstm::new);
    }
}
