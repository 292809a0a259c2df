package dev.recur.cli;

import dev.recur.ConfigException;
import dev.recur.rnn.TorchInterop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code recur import torch}: turns a PyTorch nn.LSTM / nn.GRU / nn.RNN state dict (safetensors,
 * PyTorch's key names) into a Recur model file. Every key must be present with the shape the
 * given sizes imply; nothing is written otherwise.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a PyTorch recurrent module's weights (safetensors) into a Recur model file.")
public final class ImportCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "FORMAT", description = "Source framework: torch.")
    String format;

    @Parameters(index = "1", paramLabel = "WEIGHTS", description = "The module's state dict as safetensors.")
    Path weights;

    @Option(names = "--arch", required = true, description = "lstm, gru, rnn_tanh or rnn_relu.")
    String arch;

    @Option(names = "--input-size", required = true, description = "Input features I of the first layer (required).")
    int inputSize;

    @Option(names = "--hidden-size", required = true, description = "Hidden size H (required).")
    int hiddenSize;

    @Option(names = "--layers", defaultValue = "1", description = "Stacked layers, as num_layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--bidirectional", description = "The module was bidirectional (default: false).")
    boolean bidirectional;

    @Option(names = "--batch-first", description = "The module took (B, T, I) input; `recur run` will too (default: false).")
    boolean batchFirst;

    @Option(names = "--proj-size", defaultValue = "0", description = "LSTM projection size, 0 for none (default: ${DEFAULT-VALUE}).")
    int projSize;

    @Option(names = "--out", required = true, paramLabel = "MODEL", description = "The Recur model file to write (required).")
    Path out;

    @Override
    public void run() {
        if (!format.equals("torch")) throw new ConfigException("unknown import format '" + format + "' (expected torch)");
        var spec = new TorchInterop.Spec(arch, inputSize, hiddenSize, layers, bidirectional, batchFirst, projSize);
        TorchInterop.importModel(spec, weights, out);
        System.out.println("wrote " + out + " (" + arch + ", " + layers + " layer" + (layers > 1 ? "s" : "")
                + (bidirectional ? ", bidirectional" : "") + ")");
    }
}
