package dev.recur.linear;

import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static dev.recur.linear.Fixtures.randn;

/**
 * Every linear-attention layer, whole (projections, convolutions, gates, recurrence, norm,
 * output): both forms against the float64 reference (outputs, final states and the gradients of
 * the input, every parameter and every initial state tensor), and the chunkwise form against the
 * recurrent one over several chunks.
 */
class LayerAgreementTest {
    static final int D = 5, W = 8, H = 2;

    static Stream<Arguments> casesAndModes() {
        return LayerCases.all().stream().flatMap(c -> Stream.of(Arguments.of(c, "chunk"), Arguments.of(c, "recurrent")));
    }

    static Stream<LayerCases.Case> cases() {
        return LayerCases.all().stream();
    }

    /** A random initial state for every state tensor of the layer. */
    static Map<String, Tensor> randomState(SequenceLayer layer, int batch, Rng rng) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        layer.zeroState(batch).toTensors().forEach((k, v) -> m.put(k, randn(rng, 0.5f, v.shape())));
        return m;
    }

    @ParameterizedTest(name = "{0} mode={1}")
    @MethodSource("casesAndModes")
    void matchesTheFloat64Reference(LayerCases.Case c, String mode) {
        int T = 11, B = 2;
        int[] lengths = {T, 7};
        SequenceLayer layer = c.build(D, W, Map.of("heads", "" + H, "chunk", "4", "mode", mode), 3);
        Rng rng = new Rng(11);
        LayerCheck.perturb(layer, rng, 0.3f);
        Tensor x = randn(rng, 1f, T, B, D);
        Map<String, Tensor> init = randomState(layer, B, rng);
        var dims = new LayerReference.Dims(T, B, D, W, H, lengths);
        LayerCheck.check(layer, x, Lengths.of(lengths), init, p -> c.reference().apply(p, dims), 21, 1e-4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void zeroStateMatchesTheReferenceWithoutState(LayerCases.Case c) {
        int T = 6, B = 1;
        SequenceLayer layer = c.build(D, W, Map.of("heads", "" + H, "chunk", "4", "mode", "chunk"), 4);
        Rng rng = new Rng(12);
        Tensor x = randn(rng, 1f, T, B, D);
        var dims = new LayerReference.Dims(T, B, D, W, H, null);
        LayerCheck.check(layer, x, null, null, p -> c.reference().apply(p, dims), 22, 1e-4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void chunkwiseMatchesRecurrent(LayerCases.Case c) {
        int T = 150, B = 2;
        Lengths lengths = Lengths.of(T, 101);
        SequenceLayer chunked = c.build(D, W, Map.of("heads", "" + H, "chunk", "32", "mode", "chunk"), 5);
        SequenceLayer recurrent = c.build(D, W, Map.of("heads", "" + H, "chunk", "32", "mode", "recurrent"), 5);
        Rng rng = new Rng(13);
        LayerCheck.perturb(chunked, new Rng(14), 0.3f);
        LayerCheck.perturb(recurrent, new Rng(14), 0.3f);
        Tensor x = randn(rng, 1f, T, B, D);
        Map<String, Tensor> init = randomState(chunked, B, rng);
        var a = LayerCheck.run(recurrent, x, lengths, init, 23);
        var b = LayerCheck.run(chunked, x, lengths, init, 23);
        StringBuilder report = new StringBuilder();
        double worst = 0;
        for (int i = 0; i < a.outputs().size(); i++) {
            double e = dev.recur.autodiff.GradCheck.relRms(b.outputs().get(i), a.outputs().get(i));
            worst = Math.max(worst, e);
            report.append(String.format("  output %d: %.3g%n", i, e));
        }
        for (String k : a.grads().keySet()) {
            double e = dev.recur.autodiff.GradCheck.relRms(b.grads().get(k), a.grads().get(k));
            worst = Math.max(worst, e);
            report.append(String.format("  d%s: %.3g%n", k, e));
        }
        if (!(worst <= 5e-5)) throw new AssertionError(c + ": chunkwise vs recurrent:\n" + report);
    }
}
