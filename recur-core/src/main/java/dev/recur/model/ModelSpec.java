package dev.recur.model;

import dev.recur.ConfigException;
import dev.recur.layer.LayerRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line's model shorthand, {@code NAME[+NAME...]:LAYERSxWIDTH[,key=value...]}:
 * {@code gru:2x256}, {@code lstm:1x512,dropout=0.1}, {@code gla:2x128,heads=2}. A hybrid
 * {@code gla+attention:4x64} cycles through its names block by block (gla, attention, gla,
 * attention). The keys {@code residual}, {@code norm}, {@code mlp} and {@code dropout} shape the
 * blocks, {@code tie} ties a token model's head to its embedding and {@code positions=N} adds
 * learned absolute position embeddings for sequences of up to N steps (see {@link ModelConfig});
 * every other key is an option of the layers, which reject options they do not know.
 */
public record ModelSpec(List<String> layers, int depth, int width, boolean residual, boolean norm, int mlp,
                        double dropout, Map<String, String> options, boolean tie, int positions) {
    /** The block-level keys; the rest go to the layers. */
    public static final List<String> BLOCK_KEYS = List.of("residual", "norm", "mlp", "dropout", "tie", "positions");

    public ModelSpec {
        layers = List.copyOf(layers);
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    public static ModelSpec parse(String spec) {
        String s = spec.trim();
        int colon = s.indexOf(':');
        if (colon <= 0) throw bad(spec, "expected NAME:LAYERSxWIDTH, e.g. gru:2x128");
        List<String> names = new ArrayList<>();
        for (String n : s.substring(0, colon).split("\\+", -1)) {
            String name = n.trim().toLowerCase(java.util.Locale.ROOT);
            if (!LayerRegistry.contains(name)) {
                List<String> known = new ArrayList<>();
                for (LayerRegistry.Entry e : LayerRegistry.entries()) known.add(e.name());
                throw new ConfigException("model '" + spec + "': unknown layer '" + n.trim() + "' (known: " + String.join(", ", known) + ")");
            }
            names.add(name);
        }
        String[] parts = s.substring(colon + 1).split(",", -1);
        String[] size = parts[0].trim().toLowerCase(java.util.Locale.ROOT).split("x", -1);
        if (size.length != 2) throw bad(spec, "size '" + parts[0] + "' is not LAYERSxWIDTH, e.g. 2x128");
        int depth = positive(spec, "layer count", size[0]), width = positive(spec, "width", size[1]);
        boolean residual = true, norm = true, tie = false;
        int mlp = 0, positions = 0;
        double dropout = 0;
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String kv = parts[i].trim();
            int eq = kv.indexOf('=');
            if (eq <= 0) throw bad(spec, "option '" + kv + "' is not key=value");
            String key = kv.substring(0, eq).trim(), value = kv.substring(eq + 1).trim();
            switch (key) {
                case "residual" -> residual = bool(spec, key, value);
                case "norm" -> norm = bool(spec, key, value);
                case "tie" -> tie = bool(spec, key, value);
                case "mlp" -> mlp = nonNegative(spec, key, value);
                case "positions" -> positions = nonNegative(spec, key, value);
                case "dropout" -> {
                    dropout = number(spec, key, value);
                    if (!(dropout >= 0 && dropout < 1)) throw bad(spec, "dropout must be in [0, 1), found " + value);
                }
                default -> {
                    if (options.put(key, value) != null) throw bad(spec, "option '" + key + "' given twice");
                }
            }
        }
        return new ModelSpec(names, depth, width, residual, norm, mlp, dropout, options, tie, positions);
    }

    /** The layer name of block {@code i}: hybrids cycle through their names. */
    public String layerOf(int block) {
        return layers.get(block % layers.size());
    }

    private static ConfigException bad(String spec, String why) {
        return new ConfigException("model '" + spec + "': " + why);
    }

    private static int positive(String spec, String what, String v) {
        int n = nonNegative(spec, what, v);
        if (n == 0) throw bad(spec, what + " must be at least 1");
        return n;
    }

    private static int nonNegative(String spec, String what, String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0 || n > 1 << 20) throw bad(spec, what + " out of range: " + v);
            return n;
        } catch (NumberFormatException e) {
            throw bad(spec, what + " is not an integer: '" + v + "'");
        }
    }

    private static double number(String spec, String what, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw bad(spec, what + " is not a number: '" + v + "'");
        }
    }

    private static boolean bool(String spec, String what, String v) {
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw bad(spec, what + " must be true or false, found '" + v + "'");
        };
    }
}
