package dev.recur.attention;

import dev.recur.layer.LayerRegistry;

/** Registers the attention and convolution mixers: {@code attention}, {@code swa}, {@code shortconv}. */
public final class AttentionLayers {
    private AttentionLayers() {}

    public static void register() {
        LayerRegistry.register("attention", "causal multi-head softmax attention with rotary embeddings (KV cache)",
                (c, rng) -> SelfAttention.fromConfig(c, rng, false));
        LayerRegistry.register("swa", "sliding-window causal attention (ring-buffer KV cache of `window` positions)",
                (c, rng) -> SelfAttention.fromConfig(c, rng, true));
        LayerRegistry.register("shortconv", "short depthwise causal convolution (kernel taps, SiLU)", ShortConv::fromConfig);
    }
}
