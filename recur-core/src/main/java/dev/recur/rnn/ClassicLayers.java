package dev.recur.rnn;

import dev.recur.layer.LayerRegistry;

/** Registers the classic recurrent layers by name (called from the layer registry's built-ins). */
public final class ClassicLayers {
    private ClassicLayers() {}

    public static void register() {
        LayerRegistry.register("rnn_tanh", "Elman RNN with tanh (PyTorch nn.RNN)", ClassicLayer::new);
        LayerRegistry.register("rnn_relu", "Elman RNN with ReLU (PyTorch nn.RNN, nonlinearity='relu')", ClassicLayer::new);
        LayerRegistry.register("lstm", "LSTM (PyTorch nn.LSTM; proj_size, peepholes, heads)", ClassicLayer::new);
        LayerRegistry.register("gru", "GRU (PyTorch nn.GRU; reset=before for the original form)", ClassicLayer::new);
        LayerRegistry.register("indrnn", "IndRNN: diagonal recurrence (Li et al. 2018)", ClassicLayer::new);
        LayerRegistry.register("mgu", "minimal gated unit (Zhou et al. 2016)", ClassicLayer::new);
        LayerRegistry.register("slstm", "sLSTM: xLSTM's scalar memory with exponential gating (Beck et al. 2024)", ClassicLayer::new);
    }
}
