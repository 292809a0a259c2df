package dev.recur.cli;

import dev.recur.io.FileAccessException;
import dev.recur.io.FormatException;
import dev.recur.io.ModelFile;
import dev.recur.io.json.JsonValues;
import dev.recur.model.ModelConfig;
import dev.recur.model.SequenceModel;
import dev.recur.random.Rng;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A trained model read from a model file written by {@code recur train}, with the task description stored beside it. */
record LoadedModel(SequenceModel model, Map<String, Object> task, String source) {
    static LoadedModel read(Path file) {
        if (!Files.isRegularFile(file)) throw new FileAccessException(file, "no such model file");
        ModelFile mf = ModelFile.read(file);
        String src = file.toString();
        Object m = mf.config().get("model"), t = mf.config().get("task");
        if (m == null || t == null) throw new FormatException(src, "not a model written by recur train (no \"model\" and \"task\" in its config)");
        ModelConfig config = ModelConfig.fromJson(JsonValues.object(m, src, "\"model\""), src, null, null);
        SequenceModel model = new SequenceModel(config, new Rng(0));
        model.loadStateDict(mf.weights(), true, src);
        model.eval();
        return new LoadedModel(model, JsonValues.object(t, src, "\"task\""), src);
    }

    String taskName() {
        return JsonValues.string(task, "name", source);
    }
}
