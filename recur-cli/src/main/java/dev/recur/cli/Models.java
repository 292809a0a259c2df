package dev.recur.cli;

import dev.recur.io.FileAccessException;
import dev.recur.io.json.Json;
import dev.recur.model.ModelConfig;
import dev.recur.model.ModelSpec;
import dev.recur.model.SequenceModel;
import dev.recur.task.Task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Turns the --model argument (shorthand or a JSON file) into a model configuration for a task. */
final class Models {
    private Models() {}

    static ModelConfig resolve(String arg, Task task, String head) {
        if (arg.endsWith(".json")) {
            Path p = Path.of(arg);
            String text;
            try {
                text = Files.readString(p);
            } catch (IOException e) {
                throw new FileAccessException(p, "read", e);
            }
            return ModelConfig.fromJson(Json.parseObject(text, arg), arg, task.input(), task.head(head))
                    .withInputAndHead(task.input(), task.head(head));
        }
        return ModelConfig.of(ModelSpec.parse(arg), task.input(), task.head(head));
    }

    static String describe(SequenceModel m) {
        ModelConfig c = m.config();
        StringBuilder names = new StringBuilder();
        for (var b : c.blocks()) {
            if (!names.isEmpty()) names.append('+');
            names.append(b.name());
        }
        return c.blocks().size() + " blocks (" + names + ") of width " + c.width() + ", " + m.parameterCount() + " parameters";
    }
}
