package dev.recur.bench.harness;

import java.util.List;
import java.util.Map;

/**
 * One system configuration of a suite, run as its own process: {@code system} is the results'
 * system ({@code recur}, {@code torch}, {@code dl4j}, {@code openblas}), {@code variant} the peer
 * configuration appended to each case as {@code [variant]} (empty for none), {@code env} the
 * variables added to the environment (thread counts, OpenMP policy).
 */
public record WorkerSpec(String system, String variant, List<String> command, Map<String, String> env) {
    public WorkerSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }

    public String label() {
        return variant.isEmpty() ? system : system + " [" + variant + "]";
    }
}
