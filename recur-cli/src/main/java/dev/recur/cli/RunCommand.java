package dev.recur.cli;

import dev.recur.ConfigException;
import dev.recur.io.npy.Npy;
import dev.recur.rnn.TorchInterop;
import dev.recur.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * {@code recur run}: runs an imported recurrent model over an input array and writes what PyTorch's
 * module would return: the top layer's outputs and the final states. All inputs are checked and
 * the whole computation done before any file is written.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run an imported recurrent model over X.npy.")
public final class RunCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "MODEL")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "(T, B, I), (B, T, I) if batch-first, or (T, I).")
    Path input;

    @Option(names = "--h0", paramLabel = "H0.npy", description = "Initial hidden states, (layers·directions, B, H), or P with a projection, as PyTorch (default: zeros).")
    Path h0;

    @Option(names = "--c0", paramLabel = "C0.npy", description = "Initial LSTM cell states, (layers·directions, B, H) (default: zeros).")
    Path c0;

    @Option(names = "--output", required = true, paramLabel = "Y.npy", description = "Where to write the top layer's outputs (required).")
    Path output;

    @Option(names = "--hn", paramLabel = "HN.npy", description = "Where to write the final hidden states (default: not written).")
    Path hn;

    @Option(names = "--cn", paramLabel = "CN.npy", description = "Where to write the final LSTM cell states (default: not written).")
    Path cn;

    @Override
    public void run() {
        TorchInterop.Model m = TorchInterop.readModel(model);
        if (cn != null && !m.layer().stateNames().contains("c")) {
            throw new ConfigException("--cn: the model is not an lstm, it has no cell state");
        }
        Tensor x = Npy.read(input);
        TorchInterop.Outputs o = m.run(x, h0 == null ? null : Npy.read(h0), c0 == null ? null : Npy.read(c0));
        Npy.write(output, o.y());
        if (hn != null) Npy.write(hn, o.hn());
        if (cn != null) Npy.write(cn, o.cn());
    }
}
