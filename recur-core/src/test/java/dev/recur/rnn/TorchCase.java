package dev.recur.rnn;

import dev.recur.io.json.Json;
import dev.recur.io.npy.Npy;
import dev.recur.io.safetensors.Safetensors;
import dev.recur.layer.LayerConfig;
import dev.recur.tensor.Tensor;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** One reference case made by make_torch_rnn_cases.py (test resources torch/rnn_cases/NAME). */
record TorchCase(String name, Map<String, Object> config, Path dir) {
    static final String[] NAMES = {
            "lstm_1layer", "lstm_2layer_bidir", "lstm_proj", "gru_1layer", "gru_2layer_bidir_batchfirst",
            "rnn_tanh_2layer", "rnn_relu_1layer", "lstm_batch1_long", "gru_batch1_long", "lstm_proj_bidir_3layer",
            "rnn_tanh_bidir_batchfirst"};

    static TorchCase load(String name) {
        try {
            var url = TorchCase.class.getResource("/torch/rnn_cases/" + name + "/case.json");
            if (url == null) throw new IllegalStateException("missing test resource torch/rnn_cases/" + name);
            Path dir = Path.of(url.toURI()).getParent();
            return new TorchCase(name, Json.parseObject(Files.readString(dir.resolve("case.json")), name), dir);
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    String module() {
        return (String) config.get("module");
    }

    int integer(String key) {
        return ((Number) config.get(key)).intValue();
    }

    boolean flag(String key) {
        return Boolean.TRUE.equals(config.get(key));
    }

    double tol(String key) {
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) config.get("tolerance");
        return ((Number) t.get(key)).doubleValue();
    }

    /** The Recur layer name for this PyTorch module. */
    String layerName() {
        return switch (module()) {
            case "LSTM" -> "lstm";
            case "GRU" -> "gru";
            default -> "relu".equals(config.get("nonlinearity")) ? "rnn_relu" : "rnn_tanh";
        };
    }

    LayerConfig layerConfig() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("layers", String.valueOf(integer("num_layers")));
        o.put("bidirectional", String.valueOf(flag("bidirectional")));
        if (module().equals("LSTM") && config.get("proj_size") != null && integer("proj_size") > 0) {
            o.put("proj_size", String.valueOf(integer("proj_size")));
        }
        return new LayerConfig(layerName(), integer("input_size"), integer("hidden_size"), o);
    }

    boolean has(String file) {
        return Files.exists(dir.resolve(file));
    }

    Tensor npy(String file) {
        return Npy.read(dir.resolve(file));
    }

    Map<String, Tensor> safetensors(String file) {
        return Safetensors.read(dir.resolve(file));
    }
}
