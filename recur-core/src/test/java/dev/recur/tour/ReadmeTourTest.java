package dev.recur.tour;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.loss.Mse;
import dev.recur.nn.Linear;
import dev.recur.nn.Parameter;
import dev.recur.ops.Shape;
import dev.recur.optim.AdamW;
import dev.recur.optim.GradClip;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API tour of the README, compiled and run, so that the README stays true. */
class ReadmeTourTest {
    private static final String LAYER = "gru";

    @Test
    void tourTrainsAndStreams() {
        // --- README tour: begin ---
        Rng rng = new Rng(42);
        int steps = 32, batch = 4, features = 3, hidden = 16;
        SequenceLayer rnn = LayerRegistry.create(new LayerConfig(LAYER, features, hidden), rng);
        Linear head = new Linear(hidden, 1, rng);

        Map<String, Parameter> params = new LinkedHashMap<>();
        rnn.namedParameters().forEach((k, p) -> params.put("rnn." + k, p));
        head.namedParameters().forEach((k, p) -> params.put("head." + k, p));
        AdamW opt = new AdamW(params, 3e-3);

        Tensor x = Tensor.zeros(steps, batch, features);       // time-major (T, B, I)
        rng.fillNormal(x.data(), 0, x.numel(), 0f, 1f);
        Tensor y = Tensor.zeros(steps, batch, 1);              // target: first feature, one step late
        for (int t = 1; t < steps; t++)
            for (int b = 0; b < batch; b++) y.set(x.get(t - 1, b, 0), t, b, 0);

        double first = 0, last = 0;
        for (int it = 0; it < 60; it++) {
            SequenceOutput out = rnn.forward(Var.constant(x));  // output (T, B, H) and final state
            Var pred = head.forward(out.output());
            Var loss = new Mse().apply(pred, Var.constant(y), null);
            loss.backward();
            GradClip.clipGlobalNorm(params.values(), 1.0);
            opt.step();
            opt.zeroGrad();
            if (it == 0) first = loss.value().item();
            last = loss.value().item();
        }

        // Streaming: one input at a time with an explicit state, gradients off.
        try (var noGrad = GradMode.off()) {
            LayerState state = rnn.zeroState(batch);
            Tensor lastOut = null;
            for (int t = 0; t < steps; t++) {
                StepOutput s = rnn.step(Shape.select(Var.constant(x), 0, t), state);
                state = s.state();
                lastOut = s.output().value();
            }
            // --- README tour: end ---
            Tensor full = rnn.forward(Var.constant(x)).output().value().select(0, steps - 1);
            float[] a = new float[batch * hidden], b = new float[batch * hidden];
            for (int i = 0; i < batch; i++)
                for (int j = 0; j < hidden; j++) {
                    a[i * hidden + j] = full.get(i, j);
                    b[i * hidden + j] = lastOut.get(i, j);
                }
            assertArrayEquals(a, b, 1e-4f, "streaming equals the full sequence");
        }
        assertTrue(last < 0.5 * first, "the loss falls: " + first + " -> " + last);
    }
}
