package dev.recur.model;

import dev.recur.ConfigException;
import dev.recur.io.FormatException;
import dev.recur.io.json.JsonValues;
import dev.recur.layer.LayerConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything that fixes a model's shape, as stored in model files and checkpoints:
 * <pre>
 * {"input": {"kind": "real", "features": F} | {"kind": "tokens", "vocab": V},
 *  "width": W, "residual": true, "norm": true, "mlp": 0, "dropout": 0.0,
 *  "blocks": [{"name": "gru", "input_size": W, "hidden_size": W, "options": {...}}, ...],
 *  "head": {"kind": "regression" | "softmax" | "svm" | "next_token", "outputs": K},
 *  "tie": false, "positions": 0}
 * </pre>
 * {@code tie} (written only when true) makes a token model's next-token head the transpose of its
 * embedding, as Zoology's language models do: the head then needs no weights of its own.
 * {@code positions} (written only when above 0) adds a learned embedding of the absolute position
 * (0 .. positions - 1) to the input, as Zoology's attention models have: whole sequences only, no
 * longer than that, and no streaming.
 * A model JSON file written by hand may leave out {@code input} and {@code head} (the task
 * supplies them) and each block's {@code input_size} (it is the width).
 */
public record ModelConfig(Input input, int width, List<LayerConfig> blocks, boolean residual, boolean norm, int mlp,
                          double dropout, Head head, boolean tie, int positions) {
    /** What the model reads: real-valued features per step, or token ids below {@code size}. */
    public record Input(String kind, int size) {
        public Input {
            if (!kind.equals("real") && !kind.equals("tokens")) throw new IllegalArgumentException("input kind " + kind);
            if (size < 1) throw new ConfigException("model input size must be >= 1, got " + size);
        }

        public static Input real(int features) {
            return new Input("real", features);
        }

        public static Input tokens(int vocab) {
            return new Input("tokens", vocab);
        }
    }

    /** The output layer: regression (MSE), softmax or linear-SVM classifier (from the last step), or next-token softmax (every step). */
    public record Head(String kind, int outputs) {
        public static final List<String> KINDS = List.of("regression", "softmax", "svm", "next_token");

        public Head {
            if (!KINDS.contains(kind)) throw new ConfigException("unknown head '" + kind + "' (known: " + String.join(", ", KINDS) + ")");
            if (outputs < 1) throw new ConfigException("head outputs must be >= 1, got " + outputs);
        }
    }

    /** A model without learned positions. */
    public ModelConfig(Input input, int width, List<LayerConfig> blocks, boolean residual, boolean norm, int mlp, double dropout, Head head, boolean tie) {
        this(input, width, blocks, residual, norm, mlp, dropout, head, tie, 0);
    }

    /** A model with its own head weights (not tied to the embedding). */
    public ModelConfig(Input input, int width, List<LayerConfig> blocks, boolean residual, boolean norm, int mlp, double dropout, Head head) {
        this(input, width, blocks, residual, norm, mlp, dropout, head, false);
    }

    public ModelConfig {
        blocks = List.copyOf(blocks);
        if (tie && !(input.kind().equals("tokens") && head.outputs() == input.size())) {
            throw new ConfigException("tie=true needs token input and a head over the same vocabulary (input " + input.kind() + " " + input.size()
                    + ", head outputs " + head.outputs() + ")");
        }
        if (blocks.isEmpty()) throw new ConfigException("a model needs at least one block");
        if (width < 1) throw new ConfigException("model width must be >= 1, got " + width);
        if (positions < 0 || positions > 1 << 20) throw new ConfigException("model positions must be in 0.." + (1 << 20) + ", got " + positions);
    }

    /** The model a {@link ModelSpec} describes, between the given input and head. */
    public static ModelConfig of(ModelSpec spec, Input input, Head head) {
        List<LayerConfig> blocks = new ArrayList<>();
        for (int i = 0; i < spec.depth(); i++) blocks.add(new LayerConfig(spec.layerOf(i), spec.width(), spec.width(), spec.options()));
        return new ModelConfig(input, spec.width(), blocks, spec.residual(), spec.norm(), spec.mlp(), spec.dropout(), head, spec.tie(), spec.positions());
    }

    public ModelConfig withInputAndHead(Input input, Head head) {
        return new ModelConfig(input, width, blocks, residual, norm, mlp, dropout, head, tie, positions);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", Map.of("kind", input.kind(), input.kind().equals("real") ? "features" : "vocab", (long) input.size()));
        m.put("width", (long) width);
        m.put("residual", residual);
        m.put("norm", norm);
        m.put("mlp", (long) mlp);
        m.put("dropout", dropout);
        List<Object> bs = new ArrayList<>();
        for (LayerConfig b : blocks) bs.add(b.toJson());
        m.put("blocks", bs);
        m.put("head", Map.of("kind", head.kind(), "outputs", (long) head.outputs()));
        if (tie) m.put("tie", true);
        if (positions > 0) m.put("positions", (long) positions);
        return m;
    }

    /**
     * Reads {@link #toJson()}'s form. {@code input} and {@code head} may be absent when
     * {@code fallbackInput}/{@code fallbackHead} are given (a hand-written model file).
     */
    public static ModelConfig fromJson(Map<String, Object> m, String source, Input fallbackInput, Head fallbackHead) {
        int width = (int) positive(m, "width", source);
        Input input = fallbackInput;
        if (m.get("input") != null) {
            Map<String, Object> in = JsonValues.object(m.get("input"), source, "\"input\"");
            String kind = JsonValues.string(in, "kind", source);
            if (kind.equals("real")) input = Input.real((int) positive(in, "features", source));
            else if (kind.equals("tokens")) input = Input.tokens((int) positive(in, "vocab", source));
            else throw new FormatException(source, "input kind must be \"real\" or \"tokens\", found " + FormatException.quote(kind));
        }
        if (input == null) throw new FormatException(source, "missing \"input\"");
        Head head = fallbackHead;
        if (m.get("head") != null) {
            Map<String, Object> h = JsonValues.object(m.get("head"), source, "\"head\"");
            String kind = JsonValues.string(h, "kind", source);
            if (!Head.KINDS.contains(kind)) throw new FormatException(source, "unknown head kind " + FormatException.quote(kind));
            head = new Head(kind, (int) positive(h, "outputs", source));
        }
        if (head == null) throw new FormatException(source, "missing \"head\"");
        List<LayerConfig> blocks = new ArrayList<>();
        for (Object o : JsonValues.array(JsonValues.require(m, "blocks", source), source, "\"blocks\"")) {
            Map<String, Object> b = new LinkedHashMap<>(JsonValues.object(o, source, "a block"));
            b.putIfAbsent("input_size", (long) width);
            b.putIfAbsent("hidden_size", (long) width);
            blocks.add(LayerConfig.fromJson(b, source));
        }
        if (blocks.isEmpty()) throw new FormatException(source, "\"blocks\" is empty");
        boolean residual = !m.containsKey("residual") || JsonValues.bool(m, "residual", source);
        boolean norm = !m.containsKey("norm") || JsonValues.bool(m, "norm", source);
        int mlp = m.containsKey("mlp") ? (int) JsonValues.integer(m, "mlp", source) : 0;
        double dropout = m.containsKey("dropout") ? JsonValues.number(m, "dropout", source) : 0;
        if (mlp < 0 || !(dropout >= 0 && dropout < 1)) throw new FormatException(source, "mlp must be >= 0 and dropout in [0, 1)");
        boolean tie = m.containsKey("tie") && JsonValues.bool(m, "tie", source);
        int positions = m.containsKey("positions") ? (int) JsonValues.integer(m, "positions", source) : 0;
        if (positions < 0 || positions > 1 << 20) throw new FormatException(source, "\"positions\" must be in 0.." + (1 << 20) + ", found " + positions);
        return new ModelConfig(input, width, blocks, residual, norm, mlp, dropout, head, tie, positions);
    }

    private static long positive(Map<String, Object> m, String key, String source) {
        long v = JsonValues.integer(m, key, source);
        if (v < 1 || v > 1 << 24) throw new FormatException(source, "\"" + key + "\" must be in 1.." + (1 << 24) + ", found " + v);
        return v;
    }
}
