package dev.recur.pararnn;

import dev.recur.layer.LayerRegistry;

/** Registers the parallel-in-time RNN layers: {@code paragru}, {@code paralstm}. */
public final class ParaRnnLayers {
    private ParaRnnLayers() {}

    public static void register() {
        LayerRegistry.register("paragru", "ParaRNN GRU with diagonal recurrence; Newton-over-scans parallel-in-time solve (mode=newton)",
                (c, rng) -> ParaRnnLayer.fromConfig(c, new ParaGruCell(c.hiddenSize()), rng));
        LayerRegistry.register("paralstm", "ParaRNN LSTM: coupled gates, diagonal peepholes, 2x2 block Jacobian; Newton solve (mode=newton)",
                (c, rng) -> ParaRnnLayer.fromConfig(c, new ParaLstmCell(c.hiddenSize()), rng));
    }
}
