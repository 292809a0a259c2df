package dev.recur.layer;

import dev.recur.ConfigException;
import dev.recur.random.Rng;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one map from layer names ({@code lstm}, {@code gru}, {@code mamba}, ...) to factories. A
 * layer registered here is usable from model specs, model files and the command line. Built-in
 * layers are listed in {@link BuiltinLayers}.
 */
public final class LayerRegistry {
    /** Builds a layer from its config; initial weights are drawn from {@code rng}. */
    @FunctionalInterface
    public interface Factory {
        SequenceLayer create(LayerConfig config, Rng rng);
    }

    /** A registered layer: its name, a one-line description for help texts, and its factory. */
    public record Entry(String name, String summary, Factory factory) {}

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        BuiltinLayers.registerAll();
    }

    private LayerRegistry() {}

    /** Registers a layer name; names are lower case, and registering one twice is an error. */
    public static synchronized void register(String name, String summary, Factory factory) {
        if (!name.matches("[a-z][a-z0-9_]*")) throw new IllegalArgumentException("layer names are lower case: '" + name + "'");
        if (ENTRIES.containsKey(name)) throw new IllegalArgumentException("layer '" + name + "' is already registered");
        ENTRIES.put(name, new Entry(name, summary, factory));
    }

    public static synchronized boolean contains(String name) {
        return ENTRIES.containsKey(name);
    }

    public static synchronized Collection<Entry> entries() {
        return Collections.unmodifiableCollection(new java.util.ArrayList<>(ENTRIES.values()));
    }

    /** Builds the named layer; an unknown name or option is a {@link ConfigException} that lists the valid ones. */
    public static SequenceLayer create(LayerConfig config, Rng rng) {
        Entry e;
        synchronized (LayerRegistry.class) {
            e = ENTRIES.get(config.name());
        }
        if (e == null) {
            throw new ConfigException("unknown layer '" + config.name() + "' (known: " + String.join(", ", ENTRIES.keySet()) + ")");
        }
        SequenceLayer layer = e.factory().create(config, rng);
        config.checkAllRead();
        return layer;
    }
}
