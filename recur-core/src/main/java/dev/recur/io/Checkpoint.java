package dev.recur.io;

import dev.recur.io.json.Json;
import dev.recur.io.json.JsonValues;
import dev.recur.io.safetensors.Safetensors;
import dev.recur.io.safetensors.SafetensorsFile;
import dev.recur.tensor.Tensor;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to resume training, in one safetensors file written atomically: the model's
 * weights (tensors {@code model.<name>}), its JSON configuration, the optimizer's state (tensors
 * {@code optim.<name>}, scalars as JSON: a {@link NamedState}, which {@code optim.OptimizerState} converts to and from) and the training state (JSON). The
 * {@code __metadata__} holds {@code format = "recur-checkpoint"}, {@code version}, and the JSON
 * documents {@code config}, {@code optimizer} and {@code training}. Random generator states are
 * 64-bit values that many JSON readers would round through a double, so they are stored as
 * 16-digit hex strings.
 *
 * <p>Versioning: see docs/DESIGN.md, "Formats". This build writes {@value #VERSION} and reads
 * 1 to {@value #VERSION}; a newer version is an error that says to upgrade.
 */
public record Checkpoint(Map<String, Object> modelConfig, Map<String, Tensor> model, NamedState optimizer, TrainingState training) {
    public static final String FORMAT = "recur-checkpoint";
    public static final int VERSION = 1;
    static final String MODEL_PREFIX = "model.";
    static final String OPTIM_PREFIX = "optim.";

    public Checkpoint {
        modelConfig = RecurFormat.frozen(modelConfig, "model config");
        model = RecurFormat.frozen(model, "model weights");
        if (optimizer == null || training == null) throw new IllegalArgumentException("optimizer and training state are required");
    }

    /** A checkpoint of weights only: no optimizer state, training not started. */
    public static Checkpoint weightsOnly(Map<String, Object> modelConfig, Map<String, Tensor> model) {
        return new Checkpoint(modelConfig, model, NamedState.empty(), TrainingState.start());
    }

    /** Writes the checkpoint atomically: a crash leaves the previous checkpoint intact. */
    public void write(Path path) {
        Safetensors.write(path, tensors(), metadata());
    }

    /** The bytes {@link #write(Path)} writes. */
    public byte[] toBytes() {
        return Safetensors.toBytes(tensors(), metadata());
    }

    private Map<String, Tensor> tensors() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        model.forEach((k, v) -> all.put(MODEL_PREFIX + k, v));
        optimizer.tensors().forEach((k, v) -> all.put(OPTIM_PREFIX + k, v));
        return all;
    }

    private Map<String, String> metadata() {
        Map<String, Object> docs = new LinkedHashMap<>();
        docs.put("config", modelConfig);
        docs.put("optimizer", optimizer.scalars());
        docs.put("training", trainingJson(training));
        return RecurFormat.metadata(FORMAT, VERSION, docs);
    }

    public static Checkpoint read(Path path) {
        try (SafetensorsFile f = Safetensors.open(path)) {
            return read(f);
        }
    }

    public static Checkpoint read(byte[] bytes, String sourceName) {
        try (SafetensorsFile f = Safetensors.open(bytes, sourceName)) {
            return read(f);
        }
    }

    public static Checkpoint read(InputStream in, String sourceName) {
        try (SafetensorsFile f = Safetensors.open(in, sourceName)) {
            return read(f);
        }
    }

    private static Checkpoint read(SafetensorsFile f) {
        RecurFormat.checkFormat(f, FORMAT, VERSION);
        Map<String, Tensor> model = new LinkedHashMap<>();
        Map<String, Tensor> optim = new LinkedHashMap<>();
        for (String name : f.names()) {
            if (name.startsWith(MODEL_PREFIX)) {
                model.put(name.substring(MODEL_PREFIX.length()), f.tensor(name));
            } else if (name.startsWith(OPTIM_PREFIX)) {
                optim.put(name.substring(OPTIM_PREFIX.length()), f.tensor(name));
            } else {
                throw new FormatException(f.source(), "tensor " + FormatException.quote(name) + " is neither model.* nor optim.*");
            }
        }
        NamedState optimizer = new NamedState(RecurFormat.document(f, "optimizer"), optim);
        TrainingState training = trainingState(RecurFormat.document(f, "training"), f.source());
        return new Checkpoint(RecurFormat.document(f, "config"), model, optimizer, training);
    }

    // ---- the training document ----------------------------------------------------------------

    private static Map<String, Object> trainingJson(TrainingState t) {
        Map<String, Object> rng = new LinkedHashMap<>();
        t.rngStates().forEach((name, state) -> {
            List<Object> words = new ArrayList<>();
            for (long w : state) words.add(String.format("%016x", w));
            rng.put(name, words);
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", t.step());
        m.put("epoch", t.epoch());
        m.put("data_position", t.dataPosition());
        m.put("rng", rng);
        m.put("extra", t.extra());
        return m;
    }

    private static TrainingState trainingState(Map<String, Object> m, String source) {
        String where = "metadata \"training\"";
        long step = counter(m, "step", source, where);
        long epoch = counter(m, "epoch", source, where);
        long position = counter(m, "data_position", source, where);
        Map<String, long[]> rng = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : JsonValues.object(m.get("rng"), source, where + " \"rng\"").entrySet()) {
            String what = where + " \"rng\" " + FormatException.quote(e.getKey());
            List<Object> words = JsonValues.array(e.getValue(), source, what);
            long[] state = new long[words.size()];
            for (int i = 0; i < state.length; i++) state[i] = hexWord(words.get(i), source, what);
            rng.put(e.getKey(), state);
        }
        Map<String, Object> extra = JsonValues.object(m.get("extra"), source, where + " \"extra\"");
        return new TrainingState(step, epoch, position, rng, extra);
    }

    private static long counter(Map<String, Object> m, String key, String source, String where) {
        Object v = m.get(key);
        if (!(v instanceof Long l) || l < 0) {
            throw new FormatException(source, where + " \"" + key + "\" must be a non-negative integer, found " + Json.describe(v));
        }
        return l;
    }

    private static long hexWord(Object v, String source, String what) {
        if (v instanceof String s && s.matches("[0-9a-f]{16}")) return Long.parseUnsignedLong(s, 16);
        throw new FormatException(source, what + ": expected 16 lowercase hex digits, found " + Json.describe(v));
    }
}
