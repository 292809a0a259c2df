package dev.recur.layer;

/**
 * Every built-in layer, registered by name. A layer family adds one line here (its own
 * {@code register} method), which is all it takes to use it from model specs and the CLI.
 */
final class BuiltinLayers {
    private BuiltinLayers() {}

    static void registerAll() {
        dev.recur.ssm.SsmLayers.register();
        dev.recur.attention.AttentionLayers.register();
        dev.recur.linear.LinearLayers.register();
        dev.recur.rnn.ClassicLayers.register();
        dev.recur.pararnn.ParaRnnLayers.register();
    }
}
