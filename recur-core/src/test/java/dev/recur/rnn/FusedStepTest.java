package dev.recur.rnn;

import dev.recur.autodiff.Var;
import dev.recur.kernel.Parallel;
import dev.recur.layer.LayerState;
import dev.recur.layer.SequenceLayer;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.recur.rnn.CellGradTest.randn;
import static dev.recur.rnn.ClassicLayerTest.layer;
import static dev.recur.rnn.ClassicLayerTest.randomState;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused small-batch inference step ({@link FusedStep}) against the sequence forward: every cell
 * and form that takes it, alone and stacked, from a random initial state, at batches 1 to 4; its
 * parallel split against the single-threaded sweep; and the forms that keep the general step.
 */
class FusedStepTest {
    /** Streams x step by step from {@code initial} and checks every output and the final states against the forward. */
    static void agreesWithForward(SequenceLayer l, int T, int B, float tol) {
        Rng rng = new Rng(T * 31 + B);
        Tensor x = randn(rng, 1f, T, B, l.inputSize());
        LayerState s0 = randomState(l, B, rng);
        var full = l.forward(Var.constant(x), null, s0);
        Stream s = new Stream(List.of(l));
        Stream.State st = new Stream.State(List.of(s0));
        for (int t = 0; t < T; t++) {
            var r = s.step(x.select(0, t).contiguous(), st);
            assertArrayEquals(full.output().value().select(0, t).contiguous().toArray(), r.output().toArray(), tol, "output at step " + t);
            st = r.state();
        }
        var finals = st.layers().get(0).toTensors();
        full.state().toTensors().forEach((k, v) -> assertArrayEquals(v.toArray(), finals.get(k).contiguous().toArray(), tol, "final " + k));
    }

    /**
     * Hidden sizes are whole tiles at 16 lanes (AVX-512) as well as 8 (AVX2): LSTM a multiple of
     * 16, GRU of 32, Elman of 64, so that the fused step applies on either machine.
     */
    private static void check(String name, int in, int hidden, String... options) {
        SequenceLayer l = layer(name, in, hidden, options);
        Stream s = new Stream(List.of(l));
        assertTrue(s.frozen(0).fused(0), name + " should take the fused step");
        for (int B = 1; B <= FusedStep.MAX_BATCH; B++) agreesWithForward(l, 5, B, 1e-5f);
    }

    @Test
    void lstm() {
        check("lstm", 5, 16);
    }

    @Test
    void lstmWithPeepholes() {
        check("lstm", 3, 16, "peepholes", "true");
    }

    @Test
    void lstmWithoutBias() {
        check("lstm", 4, 16, "bias", "false");
    }

    @Test
    void gruInPyTorchsForm() {
        check("gru", 5, 32);
    }

    @Test
    void elmanTanhAndRelu() {
        check("rnn_tanh", 7, 64);
        check("rnn_relu", 7, 128);
    }

    @Test
    void stacksFuseEveryLayer() {
        SequenceLayer l = layer("lstm", 6, 16, "layers", "3");
        Stream s = new Stream(List.of(l));
        for (int i = 0; i < 3; i++) assertTrue(s.frozen(0).fused(i));
        agreesWithForward(l, 6, 2, 1e-5f);
        agreesWithForward(layer("gru", 3, 16, "layers", "2"), 6, 1, 1e-5f);
    }

    @Test
    void batchesAboveTheLimitTakeTheGemmAndAgreeToo() {
        agreesWithForward(layer("lstm", 5, 16), 4, FusedStep.MAX_BATCH + 3, 1e-5f);
    }

    @Test
    void otherFormsKeepTheGeneralStep() {
        for (SequenceLayer l : List.of(layer("lstm", 3, 16, "proj_size", "8"), layer("gru", 3, 16, "reset", "before"),
                layer("mgu", 3, 16), layer("slstm", 3, 16), layer("indrnn", 3, 16), layer("lstm", 3, 16, "heads", "2"),
                layer("lstm", 3, 12))) {
            assertFalse(new Stream(List.of(l)).frozen(0).fused(0), l.toString());
            agreesWithForward(l, 4, 1, 1e-5f);
        }
    }

    @Test
    void theParallelSplitGivesTheSameBits() {
        // large enough (over PARALLEL_BYTES) that two threads split the tiles
        for (SequenceLayer l : List.of(layer("lstm", 64, 256), layer("gru", 64, 256), layer("rnn_tanh", 64, 512))) {
            Tensor x = randn(new Rng(3), 1f, 6, 1, 64);
            int before = Parallel.threads();
            float[][] out = new float[2][];
            try {
                for (int threads = 1; threads <= 2; threads++) {
                    Parallel.setThreads(threads);
                    Stream s = new Stream(List.of(l));
                    Stream.State st = s.zeroState(1);
                    Tensor y = null;
                    for (int t = 0; t < 6; t++) {
                        var r = s.step(x.select(0, t).contiguous(), st);
                        y = r.output();
                        st = r.state();
                    }
                    out[threads - 1] = y.toArray();
                }
            } finally {
                Parallel.setThreads(before);
            }
            assertArrayEquals(out[0], out[1], 0f);
            assertEquals(l.outputSize(), out[0].length);
            agreesWithForward(l, 3, 1, 1e-5f);
        }
    }
}
