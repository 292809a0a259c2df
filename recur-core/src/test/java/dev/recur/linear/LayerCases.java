package dev.recur.linear;

import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.SequenceLayer;
import dev.recur.random.Rng;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The layer configurations the tests run, each with its float64 reference. */
final class LayerCases {
    private LayerCases() {}

    /** A named layer with options, and its reference given the test's sizes. */
    record Case(String name, Map<String, String> options, Reference reference) {
        SequenceLayer build(int in, int width, Map<String, String> extra, long seed) {
            Map<String, String> all = new LinkedHashMap<>(options);
            all.putAll(extra);
            return LayerRegistry.create(new LayerConfig(name, in, width, all), new Rng(seed));
        }

        @Override
        public String toString() {
            return name + options;
        }
    }

    @FunctionalInterface
    interface Reference {
        double[][] apply(Map<String, double[]> inputs, LayerReference.Dims dims);
    }

    static List<Case> all() {
        return List.of(
                new Case("gla", Map.of("gate_rank", "3"), (p, d) -> LayerReference.gla(p, d, d.W() / 2, 3, 16, 0)),
                new Case("gla", Map.of("gate_rank", "2", "conv", "3", "gate_temperature", "4"),
                        (p, d) -> LayerReference.gla(p, d, d.W() / 2, 2, 4, 3)),
                new Case("deltanet", Map.of(), (p, d) -> LayerReference.deltaRule(p, d, 1, 4, false, false, false)),
                new Case("deltanet", Map.of("conv", "0", "negative_eigen", "true", "output_gate", "true"),
                        (p, d) -> LayerReference.deltaRule(p, d, 1, 0, false, true, true)),
                new Case("gated_deltanet", Map.of(), (p, d) -> LayerReference.deltaRule(p, d, 1, 4, true, true, false)),
                new Case("gated_deltanet", Map.of("conv", "0", "output_gate", "false"),
                        (p, d) -> LayerReference.deltaRule(p, d, 1, 0, true, false, false)),
                new Case("deltaproduct", Map.of("negative_eigen", "true"), (p, d) -> LayerReference.deltaRule(p, d, 2, 4, false, true, true)),
                new Case("deltaproduct", Map.of("householder", "3", "forget_gate", "true", "conv", "2"),
                        (p, d) -> LayerReference.deltaRule(p, d, 3, 2, true, true, false)),
                new Case("mlstm", Map.of(), (p, d) -> LayerReference.mlstm(p, d)));
    }
}
