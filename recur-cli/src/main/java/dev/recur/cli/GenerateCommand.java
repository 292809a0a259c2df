package dev.recur.cli;

import dev.recur.ConfigException;
import dev.recur.task.CharLmTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code recur generate}: samples text from a character-level language model, character by character. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Continue a prompt with a character-level language model (task charlm).")
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model file written by recur train --task charlm.")
    Path model;

    @Option(names = "--prompt", required = true, description = "Text to continue; every character must be in the model's vocabulary.")
    String prompt;

    @Option(names = "--length", defaultValue = "300", description = "Characters to generate (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Sampling temperature; lower is more conservative (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Sample among the K most likely characters; 0 for all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed of the sampler (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (length < 0) throw new ConfigException("--length must be >= 0, got " + length);
        LoadedModel m = LoadedModel.read(model);
        if (!m.taskName().equals("charlm")) throw new ConfigException(model + " is a " + m.taskName() + " model; generate needs a charlm model");
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(prompt);
        CharLmTask.generate(m.model(), m.task(), m.source(), prompt, length, temperature, topK, seed, cp -> {
            out.print(Character.toChars(cp));
            out.flush();
        });
        out.println();
        return 0;
    }
}
