package dev.recur.linear;

import dev.recur.autodiff.Var;
import dev.recur.kernel.Parallel;
import dev.recur.layer.SequenceLayer;
import dev.recur.nn.Parameter;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.recur.linear.Fixtures.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The layers' outputs and every gradient are the same bits on one and on two compute threads, at a
 * size where the norms, gates, feature maps and short convolutions split into several parallel
 * blocks (1280 rows of the norm, about 20 000 gate elements, 4 sequences).
 */
class ThreadDeterminismTest {
    static final int T = 160, B = 4, D = 24, W = 64;

    static Stream<LayerCases.Case> cases() {
        return LayerCases.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneAndTwoThreadsGiveTheSameBits(LayerCases.Case c) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            List<float[]> one = run(c);
            Parallel.setThreads(2);
            List<float[]> two = run(c);
            assertEquals(one.size(), two.size());
            for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), two.get(i), c + ": array " + i);
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** The output, the input's gradient and every parameter's gradient of one forward + backward. */
    private static List<float[]> run(LayerCases.Case c) {
        SequenceLayer layer = c.build(D, W, Map.of("heads", "2", "chunk", "16", "mode", "chunk"), 3);
        LayerCheck.perturb(layer, new Rng(4), 0.3f);
        Rng rng = new Rng(5);
        Var x = Var.leaf(randn(rng, 1f, T, B, D));
        Var y = layer.forward(x, null, null).output();
        Tensor seed = randn(rng, 1f, T, B, W);
        y.backward(seed);
        List<float[]> out = new ArrayList<>();
        out.add(y.value().toArray());
        out.add(x.grad().toArray());
        for (Parameter p : layer.parameters()) out.add(p.grad() == null ? new float[0] : p.grad().toArray());
        return out;
    }
}
