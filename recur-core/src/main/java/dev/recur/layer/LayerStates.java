package dev.recur.layer;

import dev.recur.io.FormatException;
import dev.recur.io.safetensors.Safetensors;
import dev.recur.io.safetensors.SafetensorsFile;
import dev.recur.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and restores the states of a layer stack (one {@link LayerState} per layer, in order) as a
 * safetensors file, so that a service can park a streaming session and resume it later with
 * identical results. Tensor names are {@code <layer index>.<state name>}; the metadata records the
 * format, the number of layers and each layer's state names in order. Files are written atomically.
 */
public final class LayerStates {
    static final String FORMAT = "recur-layer-states";

    private LayerStates() {}

    public static void save(Path path, List<LayerState> states) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("layers", String.valueOf(states.size()));
        for (int i = 0; i < states.size(); i++) {
            Map<String, Tensor> t = states.get(i).toTensors();
            for (String name : t.keySet()) {
                if (name.contains(",") || name.contains(".")) throw new IllegalArgumentException("state name '" + name + "' cannot be saved");
            }
            meta.put("layer." + i, String.join(",", t.keySet()));
            int li = i;
            t.forEach((name, v) -> tensors.put(li + "." + name, v.contiguous()));
        }
        Safetensors.write(path, tensors, meta);
    }

    /** Reads a file written by {@link #save}; a file of another kind or an incomplete one is a {@link FormatException}. */
    public static List<LayerState> load(Path path) {
        String src = path.toString();
        try (SafetensorsFile f = Safetensors.open(path)) {
            Map<String, String> meta = f.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw new FormatException(src, "not a layer-state file: metadata format is " + meta.get("format") + ", expected " + FORMAT);
            }
            int layers;
            try {
                layers = Integer.parseInt(meta.getOrDefault("layers", ""));
            } catch (NumberFormatException e) {
                throw new FormatException(src, "metadata 'layers' is not a number: " + meta.get("layers"));
            }
            List<LayerState> out = new ArrayList<>();
            int count = 0;
            for (int i = 0; i < layers; i++) {
                String names = meta.get("layer." + i);
                if (names == null) throw new FormatException(src, "metadata lacks the state names of layer " + i);
                Map<String, Tensor> m = new LinkedHashMap<>();
                for (String n : names.isEmpty() ? new String[0] : names.split(",")) {
                    String key = i + "." + n;
                    if (!f.contains(key)) throw new FormatException(src, "missing tensor " + key);
                    m.put(n, f.tensor(key));
                    count++;
                }
                out.add(LayerState.fromTensors(m));
            }
            if (count != f.names().size()) {
                throw new FormatException(src, "holds " + f.names().size() + " tensors, the metadata names " + count);
            }
            return out;
        }
    }
}
