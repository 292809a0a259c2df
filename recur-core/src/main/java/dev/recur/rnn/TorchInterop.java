package dev.recur.rnn;

import dev.recur.ConfigException;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.io.FormatException;
import dev.recur.io.ModelFile;
import dev.recur.io.json.JsonValues;
import dev.recur.io.safetensors.Safetensors;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.SequenceOutput;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch interchange for nn.RNN, nn.LSTM and nn.GRU: a state dict saved as safetensors with
 * PyTorch's key names loads into a {@link ClassicLayer} as it is (the layer's parameters carry those
 * names, shapes and gate orders), and a layer exports to the same names. A Recur model file made by
 * {@link #importModel} stores the layer's config plus PyTorch's {@code batch_first}.
 */
public final class TorchInterop {
    /** The model-file config's {@code type} for an imported PyTorch recurrent module. */
    public static final String MODEL_TYPE = "torch_rnn";

    /** PyTorch's constructor arguments that matter for the weights. */
    public record Spec(String arch, int inputSize, int hiddenSize, int layers, boolean bidirectional, boolean batchFirst, int projSize) {
        public Spec {
            if (!arch.equals("lstm") && !arch.equals("gru") && !arch.equals("rnn_tanh") && !arch.equals("rnn_relu")) {
                throw new ConfigException("unknown architecture '" + arch + "' (expected lstm, gru, rnn_tanh or rnn_relu)");
            }
            if (projSize != 0 && !arch.equals("lstm")) throw new ConfigException("--proj-size applies to lstm only, not " + arch);
            if (inputSize <= 0 || hiddenSize <= 0 || layers <= 0 || projSize < 0) {
                throw new ConfigException("sizes must be positive: input " + inputSize + ", hidden " + hiddenSize + ", layers " + layers
                        + (projSize != 0 ? ", proj " + projSize : ""));
            }
        }

        public LayerConfig layerConfig() {
            Map<String, String> o = new LinkedHashMap<>();
            o.put("layers", String.valueOf(layers));
            o.put("bidirectional", String.valueOf(bidirectional));
            if (projSize > 0) o.put("proj_size", String.valueOf(projSize));
            return new LayerConfig(arch, inputSize, hiddenSize, o);
        }
    }

    /** What PyTorch's module returns: the top layer's output and the final states (c null but for the LSTM). */
    public record Outputs(Tensor y, Tensor hn, Tensor cn) {}

    /** A layer and the input layout it was imported with. */
    public record Model(ClassicLayer layer, boolean batchFirst) {
        /**
         * Runs the module as PyTorch would: x (T, B, I), or (B, T, I) when batch-first, or unbatched
         * (T, I); h0 and c0 (layers·dirs, B, H_out / H), or (layers·dirs, H_out / H) unbatched, or null for zeros.
         */
        public Outputs run(Tensor x, Tensor h0, Tensor c0) {
            boolean lstm = layer.stateNames().contains("c");
            if (c0 != null && !lstm) throw new ConfigException("an initial cell state (c0) applies to lstm models only");
            int I = layer.inputSize();
            if ((x.rank() != 2 && x.rank() != 3) || x.dim(-1) != I) {
                throw new ShapeException("input: expected " + (batchFirst ? "(B, T, " : "(T, B, ") + I + ") or (T, " + I
                        + "), found " + Shapes.toString(x.shape()));
            }
            boolean unbatched = x.rank() == 2;
            Tensor xt = unbatched ? x.unsqueeze(1) : batchFirst ? x.transpose(0, 1) : x;
            int B = xt.dim(1);
            int n = layer.layers() * (layer.bidirectional() ? 2 : 1);
            int hOut = layer.projSize() > 0 ? layer.projSize() : layer.hiddenSize();
            Map<String, Var> s0 = new LinkedHashMap<>();
            if (h0 != null || c0 != null) {
                s0.put("h", Var.constant(state("h0", h0, unbatched, n, B, hOut)));
                if (lstm) s0.put("c", Var.constant(state("c0", c0, unbatched, n, B, layer.hiddenSize())));
            }
            SequenceOutput o;
            try (var off = GradMode.off()) {
                o = layer.forward(Var.constant(xt.contiguous()), null,
                        s0.isEmpty() ? null : new LayerState(s0));
            }
            Tensor y = o.output().value();
            y = unbatched ? y.select(1, 0) : batchFirst ? y.transpose(0, 1) : y;
            Tensor hn = o.state().get("h").value(), cn = lstm ? o.state().get("c").value() : null;
            if (unbatched) {
                hn = hn.select(1, 0);
                cn = cn == null ? null : cn.select(1, 0);
            }
            return new Outputs(y.contiguous(), hn.contiguous(), cn == null ? null : cn.contiguous());
        }

        private static Tensor state(String name, Tensor s, boolean unbatched, int n, int B, int width) {
            if (s == null) return Tensor.zeros(n, B, width);
            int[] expected = unbatched ? new int[] {n, width} : new int[] {n, B, width};
            Shapes.check(name, s.shape(), expected);
            return unbatched ? s.unsqueeze(1).contiguous() : s.contiguous();
        }
    }

    private TorchInterop() {}

    /** Builds the layer and loads a PyTorch state dict into it; every key must be present with its shape, and no others. */
    public static ClassicLayer load(Spec spec, Map<String, Tensor> stateDict, String source) {
        ClassicLayer layer = (ClassicLayer) LayerRegistry.create(spec.layerConfig(), new Rng(0));
        layer.loadStateDict(stateDict, true, source);
        return layer;
    }

    /** Reads WEIGHTS (safetensors, PyTorch names) and writes a Recur model file. */
    public static void importModel(Spec spec, Path weights, Path out) {
        ClassicLayer layer = load(spec, Safetensors.read(weights), weights.toString());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("type", MODEL_TYPE);
        config.put("layer", spec.layerConfig().toJson());
        config.put("batch_first", spec.batchFirst());
        ModelFile.write(out, config, layer.stateDict());
    }

    /** Writes the layer's weights with PyTorch's names, loadable by {@code module.load_state_dict}. */
    public static void export(ClassicLayer layer, Path out) {
        Safetensors.write(out, layer.stateDict());
    }

    /** Reads a model file written by {@link #importModel}. */
    public static Model readModel(Path path) {
        ModelFile f = ModelFile.read(path);
        String src = path.toString();
        Object type = f.config().get("type");
        if (!MODEL_TYPE.equals(type)) {
            throw new FormatException(src, "model type is " + type + ", expected " + MODEL_TYPE + " (a model written by 'recur import torch')");
        }
        LayerConfig lc = LayerConfig.fromJson(JsonValues.object(f.config().get("layer"), src, "layer"), src);
        ClassicLayer layer;
        try {
            layer = (ClassicLayer) LayerRegistry.create(lc, new Rng(0));
        } catch (ClassCastException e) {
            throw new FormatException(src, "layer " + lc.name() + " is not a classic recurrent layer");
        }
        layer.loadStateDict(f.weights(), true, src);
        return new Model(layer, Boolean.TRUE.equals(f.config().get("batch_first")));
    }
}
