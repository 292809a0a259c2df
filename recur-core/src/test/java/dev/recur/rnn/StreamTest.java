package dev.recur.rnn;

import dev.recur.autodiff.Var;
import dev.recur.io.FormatException;
import dev.recur.io.safetensors.Safetensors;
import dev.recur.layer.SequenceLayer;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.recur.rnn.CellGradTest.randn;
import static dev.recur.rnn.ClassicLayerTest.layer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streaming a layer stack step by step, parking its state in a file and resuming. */
class StreamTest {
    @TempDir
    Path dir;

    final List<SequenceLayer> stack = List.of(layer("lstm", 3, 6, "layers", "2", "proj_size", "4"), layer("gru", 4, 5),
            layer("slstm", 5, 4, "heads", "2"), layer("indrnn", 4, 4));

    @Test
    void aParkedSessionResumesWithIdenticalResults() {
        Stream s = new Stream(stack);
        int T = 9, B = 2;
        Tensor x = randn(new Rng(4), 1f, T, B, 3);
        Stream.State st = s.zeroState(B);
        float[][] straight = new float[T][];
        for (int t = 0; t < T; t++) {
            var r = s.step(x.select(0, t).contiguous(), st);
            straight[t] = r.output().toArray();
            st = r.state();
        }
        // the stack over the whole sequence at once gives the same outputs
        Var h = Var.constant(x);
        for (SequenceLayer l : stack) h = l.forward(h).output();
        for (int t = 0; t < T; t++) assertArrayEquals(h.value().select(0, t).contiguous().toArray(), straight[t], 1e-5f);

        st = s.zeroState(B);
        for (int t = 0; t < 4; t++) st = s.step(x.select(0, t).contiguous(), st).state();
        Path file = dir.resolve("session.safetensors");
        st.save(file);
        Stream.State resumed = Stream.State.load(file);
        for (int t = 4; t < T; t++) {
            var r = s.step(x.select(0, t).contiguous(), resumed);
            assertArrayEquals(straight[t], r.output().toArray(), 0f, "step " + t + " after resuming");
            resumed = r.state();
        }
    }

    @Test
    void threadsSteppingOneStreamWithTheirOwnStatesGetTheBitsOfOneThread() throws InterruptedException {
        // fused-step layers (LSTM, GRU, Elman at H = 256: a per-thread scratch, split over the pool) in one stream
        Stream s = new Stream(List.of(layer("lstm", 8, 256), layer("gru", 256, 256), layer("rnn_tanh", 256, 256)));
        int T = 30, sessions = 3;
        Tensor[] xs = new Tensor[sessions];
        float[][][] alone = new float[sessions][T][];
        for (int i = 0; i < sessions; i++) {
            xs[i] = randn(new Rng(20 + i), 1f, T, 1, 8);
            Stream.State st = s.zeroState(1);
            for (int t = 0; t < T; t++) {
                var r = s.step(xs[i].select(0, t).contiguous(), st);
                alone[i][t] = r.output().toArray();
                st = r.state();
            }
        }
        float[][][] together = new float[sessions][T][];
        Thread[] threads = new Thread[sessions];
        Throwable[] failures = new Throwable[sessions];
        for (int i = 0; i < sessions; i++) {
            int id = i;
            threads[i] = new Thread(() -> {
                try {
                    Stream.State st = s.zeroState(1);
                    for (int t = 0; t < T; t++) {
                        var r = s.step(xs[id].select(0, t).contiguous(), st);
                        together[id][t] = r.output().toArray();
                        st = r.state();
                    }
                } catch (Throwable e) {
                    failures[id] = e;
                }
            });
        }
        for (Thread t : threads) t.start();
        for (Thread t : threads) t.join();
        for (int i = 0; i < sessions; i++) {
            if (failures[i] != null) throw new AssertionError("session " + i, failures[i]);
            for (int t = 0; t < T; t++) assertArrayEquals(alone[i][t], together[i][t], 0f, "session " + i + ", step " + t);
        }
    }

    @Test
    void aFileOfAnotherKindIsRejected() {
        Path file = dir.resolve("weights.safetensors");
        Safetensors.write(file, Map.of("w", Tensor.zeros(2)));
        var e = assertThrows(FormatException.class, () -> Stream.State.load(file));
        assertTrue(e.getMessage().contains("not a layer-state file"), e.getMessage());
    }

    @Test
    void mismatchedStackIsRejected() {
        assertThrows(dev.recur.tensor.ShapeException.class, () -> new Stream(List.of(layer("gru", 3, 5), layer("lstm", 4, 4))));
    }
}
