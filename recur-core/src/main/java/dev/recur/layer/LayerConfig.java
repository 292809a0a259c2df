package dev.recur.layer;

import dev.recur.ConfigException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a layer is built from: its name, input width, hidden (model) width and its options as
 * written in a model spec ({@code gru:2x256,dropout=0.1} gives {@code dropout -> "0.1"}). A factory
 * reads the options it knows through the typed getters; the registry then rejects any option the
 * factory did not read, so a misspelt option is an error, not silently ignored. The config is also
 * what a model file stores to rebuild the layer.
 */
public final class LayerConfig {
    private final String name;
    private final int inputSize;
    private final int hiddenSize;
    private final Map<String, String> options;
    private final Set<String> read = new LinkedHashSet<>();

    public LayerConfig(String name, int inputSize, int hiddenSize, Map<String, String> options) {
        if (inputSize <= 0) throw new ConfigException(name + ": input size must be positive, got " + inputSize);
        if (hiddenSize <= 0) throw new ConfigException(name + ": hidden size must be positive, got " + hiddenSize);
        this.name = name;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    public LayerConfig(String name, int inputSize, int hiddenSize) {
        this(name, inputSize, hiddenSize, Map.of());
    }

    public String name() {
        return name;
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    /** The options as given (strings). */
    public Map<String, String> options() {
        return options;
    }

    /** A copy with one option set. */
    public LayerConfig with(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(options);
        m.put(key, value);
        return new LayerConfig(name, inputSize, hiddenSize, m);
    }

    public boolean has(String key) {
        read.add(key);
        return options.containsKey(key);
    }

    public String string(String key, String def, String... allowed) {
        read.add(key);
        String v = options.getOrDefault(key, def);
        if (allowed.length > 0 && options.containsKey(key)) {
            for (String a : allowed) if (a.equals(v)) return v;
            throw new ConfigException(name + ": option " + key + "=" + v + " is not one of " + String.join(", ", allowed));
        }
        return v;
    }

    public int integer(String key, int def, int min, int max) {
        read.add(key);
        String v = options.get(key);
        if (v == null) return def;
        int x;
        try {
            x = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + ": option " + key + " expects an integer, found '" + v + "'");
        }
        if (x < min || x > max) throw new ConfigException(name + ": option " + key + "=" + x + " is outside [" + min + ", " + max + "]");
        return x;
    }

    public double real(String key, double def, double min, double max) {
        read.add(key);
        String v = options.get(key);
        if (v == null) return def;
        double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + ": option " + key + " expects a number, found '" + v + "'");
        }
        if (!(x >= min && x <= max)) throw new ConfigException(name + ": option " + key + "=" + v + " is outside [" + min + ", " + max + "]");
        return x;
    }

    public boolean bool(String key, boolean def) {
        read.add(key);
        String v = options.get(key);
        if (v == null) return def;
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(name + ": option " + key + " expects true or false, found '" + v + "'");
        };
    }

    /** Throws naming the options that no getter read. */
    void checkAllRead() {
        TreeSet<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            TreeSet<String> known = new TreeSet<>(read);
            throw new ConfigException(name + ": unknown option" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + (known.isEmpty() ? " (this layer takes no options)" : " (known: " + String.join(", ", known) + ")"));
        }
    }

    /** The config as JSON values, for model files: {@code {"name", "input_size", "hidden_size", "options"}}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("input_size", (long) inputSize);
        m.put("hidden_size", (long) hiddenSize);
        m.put("options", new LinkedHashMap<String, Object>(options));
        return m;
    }

    /** Reads {@link #toJson()}'s form; {@code source} names the file for errors. */
    public static LayerConfig fromJson(Map<String, Object> m, String source) {
        String name = dev.recur.io.json.JsonValues.string(m, "name", source);
        long in = dev.recur.io.json.JsonValues.integer(m, "input_size", source);
        long hidden = dev.recur.io.json.JsonValues.integer(m, "hidden_size", source);
        if (in <= 0 || in > Integer.MAX_VALUE || hidden <= 0 || hidden > Integer.MAX_VALUE) {
            throw new dev.recur.io.FormatException(source, "layer " + name + ": sizes out of range: input " + in + ", hidden " + hidden);
        }
        Map<String, String> options = new LinkedHashMap<>();
        Object o = m.get("options");
        if (o != null) {
            dev.recur.io.json.JsonValues.object(o, source, "options").forEach((k, v) -> {
                if (v instanceof Map || v instanceof java.util.List || v == null) {
                    throw new dev.recur.io.FormatException(source, "layer " + name + ": option " + k + " must be a scalar");
                }
                options.put(k, String.valueOf(v));
            });
        }
        return new LayerConfig(name, (int) in, (int) hidden, options);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append('(').append(inputSize).append(" -> ").append(hiddenSize);
        options.forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
        return sb.append(')').toString();
    }
}
