package dev.recur.io;

import dev.recur.io.safetensors.Safetensors;
import dev.recur.io.safetensors.SafetensorsFile;
import dev.recur.tensor.Tensor;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained model: its configuration (a JSON object, as the model's spec writes it) and its
 * float32 weights, in one safetensors file that any safetensors reader can open. The
 * {@code __metadata__} holds {@code "format": "recur-model"}, {@code "version"} and
 * {@code "config"} (the JSON text); the weights keep their module names.
 */
public record ModelFile(Map<String, Object> config, Map<String, Tensor> weights) {
    public static final String FORMAT = "recur-model";
    /** The layout version this build writes; it reads every version from 1 up to this one. */
    public static final int VERSION = 1;
    static final String CONFIG_KEY = "config";

    public ModelFile {
        config = RecurFormat.frozen(config, "model config");
        weights = RecurFormat.frozen(weights, "model weights");
    }

    /** Writes the model atomically. */
    public static void write(Path path, Map<String, Object> config, Map<String, Tensor> weights) {
        new ModelFile(config, weights).write(path);
    }

    public void write(Path path) {
        Safetensors.write(path, weights, metadata());
    }

    /** The bytes {@link #write(Path)} writes. */
    public byte[] toBytes() {
        return Safetensors.toBytes(weights, metadata());
    }

    private Map<String, String> metadata() {
        return RecurFormat.metadata(FORMAT, VERSION, Map.of(CONFIG_KEY, config));
    }

    public static ModelFile read(Path path) {
        try (SafetensorsFile f = Safetensors.open(path)) {
            return read(f);
        }
    }

    /** Reads a model held in memory (e.g. a class-path resource); {@code sourceName} names it in errors. */
    public static ModelFile read(byte[] bytes, String sourceName) {
        try (SafetensorsFile f = Safetensors.open(bytes, sourceName)) {
            return read(f);
        }
    }

    public static ModelFile read(InputStream in, String sourceName) {
        try (SafetensorsFile f = Safetensors.open(in, sourceName)) {
            return read(f);
        }
    }

    private static ModelFile read(SafetensorsFile f) {
        RecurFormat.checkFormat(f, FORMAT, VERSION);
        return new ModelFile(RecurFormat.document(f, CONFIG_KEY), f.tensors());
    }
}
