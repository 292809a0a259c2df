package dev.recur.io;

import dev.recur.io.safetensors.Safetensors;
import dev.recur.io.safetensors.SafetensorsFile;
import dev.recur.autodiff.Var;
import dev.recur.nn.Linear;
import dev.recur.ops.Reduce;
import dev.recur.optim.AdamW;
import dev.recur.optim.Optimizer;
import dev.recur.optim.OptimizerState;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.recur.io.IoFixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    @TempDir
    Path dir;

    /** The checkpoint the golden file holds; its RNG states use all 64 bits. */
    static Checkpoint sample() {
        Map<String, Tensor> model = new LinkedHashMap<>();
        model.put("rnn.weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        model.put("rnn.bias", Tensor.of(new float[] {-1, 0.5f, 7}, 3));
        Map<String, Tensor> optim = new LinkedHashMap<>();
        optim.put("exp_avg.rnn.weight", Tensor.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 3, 2));
        optim.put("exp_avg_sq.rnn.weight", Tensor.full(1e-8f, 3, 2));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("type", "adamw");
        settings.put("lr", 3e-4);
        settings.put("betas", List.of(0.9, 0.999));
        settings.put("weight_decay", 0.01);
        settings.put("step", 1234L);
        Map<String, long[]> rng = new LinkedHashMap<>();
        rng.put("data", new long[] {Long.MIN_VALUE, 0x9e3779b97f4a7c15L});
        rng.put("dropout", new long[] {-1L, 1L});
        rng.put("init", new Rng(42).split().state());
        TrainingState training = new TrainingState(1234, 3, 56789, rng, Map.of("best_loss", 1.25, "patience", 2L));
        return new Checkpoint(Map.of("spec", "lstm(8)", "input", 4L), model, new NamedState(settings, optim), training);
    }

    static void assertSameCheckpoint(Checkpoint e, Checkpoint a) {
        assertEquals(e.modelConfig(), a.modelConfig());
        assertTensors(e.model(), a.model());
        assertEquals(e.optimizer().scalars(), a.optimizer().scalars());
        assertTensors(e.optimizer().tensors(), a.optimizer().tensors());
        TrainingState et = e.training(), at = a.training();
        assertEquals(et.step(), at.step());
        assertEquals(et.epoch(), at.epoch());
        assertEquals(et.dataPosition(), at.dataPosition());
        assertEquals(et.rngStates().keySet(), at.rngStates().keySet());
        for (String k : et.rngStates().keySet()) assertArrayEquals(et.rngState(k), at.rngState(k), k);
        assertEquals(et.extra(), at.extra());
    }

    private static void assertTensors(Map<String, Tensor> e, Map<String, Tensor> a) {
        assertEquals(e.keySet(), a.keySet());
        for (String k : e.keySet()) {
            assertArrayEquals(e.get(k).shape(), a.get(k).shape(), k);
            assertArrayEquals(e.get(k).toArray(), a.get(k).toArray(), k);
        }
    }

    @Test
    void roundTripsEverythingExactly() {
        Path p = dir.resolve("ck.safetensors");
        Checkpoint c = sample();
        c.write(p);
        Checkpoint back = Checkpoint.read(p);
        assertSameCheckpoint(c, back);
        // A generator restored from the checkpoint continues the same stream.
        Rng original = Rng.fromState(c.training().rngState("init"));
        Rng restored = Rng.fromState(back.training().rngState("init"));
        for (int i = 0; i < 5; i++) assertEquals(original.nextLong(), restored.nextLong());
    }

    private static void step(Linear model, Optimizer opt, Tensor x) {
        opt.zeroGrad();
        Reduce.sum(model.forward(Var.constant(x))).backward();
        opt.step();
    }

    /** A model and optimizer restored from a checkpoint take the same next step as the originals. */
    @Test
    void resumesTrainingExactly() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, -1, 0.5f, 2}, 2, 3);
        Linear a = new Linear(3, 2, new Rng(1));
        AdamW optA = new AdamW(a.namedParameters(), 0.01);
        step(a, optA, x);
        step(a, optA, x);
        Checkpoint saved = new Checkpoint(Map.of("in", 3L, "out", 2L), a.stateDict(), optA.stateDict().toNamed(),
                new TrainingState(2, 0, 4, a.rngStates(), Map.of()));
        Checkpoint back = Checkpoint.read(saved.toBytes(), "ck");

        Linear b = new Linear(3, 2, new Rng(99));
        b.loadStateDict(back.model(), true, "ck");
        AdamW optB = new AdamW(b.namedParameters(), 0.5);
        optB.loadStateDict(OptimizerState.from(back.optimizer()), "ck");
        step(a, optA, x);
        step(b, optB, x);
        assertArrayEquals(a.weight().value().toArray(), b.weight().value().toArray());
        assertArrayEquals(a.bias().value().toArray(), b.bias().value().toArray());
        assertEquals(optA.lr(), optB.lr());
    }

    @Test
    void isAPlainSafetensorsFileWithPrefixedNames() {
        try (SafetensorsFile f = Safetensors.open(sample().toBytes(), "ck")) {
            assertEquals(List.of("model.rnn.bias", "model.rnn.weight", "optim.exp_avg.rnn.weight", "optim.exp_avg_sq.rnn.weight"),
                    f.names());
            assertEquals("recur-checkpoint", f.metadata().get("format"));
            assertTrue(f.metadata().get("training").contains("\"8000000000000000\""), f.metadata().get("training"));
        }
    }

    @Test
    void readsTheVersion1GoldenFileAndWritesItIdentically() throws Exception {
        Path golden = IoFixtures.resource("golden/checkpoint-v1.safetensors");
        assertSameCheckpoint(sample(), Checkpoint.read(golden));
        assertArrayEquals(Files.readAllBytes(golden), sample().toBytes());
    }

    @Test
    void weightsOnlyCheckpoint() {
        Checkpoint c = Checkpoint.weightsOnly(Map.of(), Map.of("w", Tensor.zeros(2)));
        assertSameCheckpoint(c, Checkpoint.read(c.toBytes(), "w"));
    }

    private static byte[] file(Map<String, Tensor> tensors, String training) {
        return Safetensors.toBytes(tensors, Map.of("format", "recur-checkpoint", "version", "1", "config", "{}", "optimizer", "{}",
                "training", training));
    }

    private static final String TRAINING = "{\"step\":1,\"epoch\":0,\"data_position\":0,\"rng\":{},\"extra\":{}}";

    @Test
    void rejectsMalformedCheckpoints() {
        assertEquals(1, Checkpoint.read(file(Map.of(), TRAINING), "ok").training().step());
        assertMessage(assertThrows(FormatException.class, () -> Checkpoint.read(file(Map.of("w", Tensor.zeros(1)), TRAINING), "c")),
                "c", "tensor \"w\" is neither model.* nor optim.*");
        assertMessage(assertThrows(FormatException.class, () -> Checkpoint.read(file(Map.of(), TRAINING.replace("\"step\":1",
                "\"step\":-1")), "c")),
                "c", "\"training\" \"step\" must be a non-negative integer, found a number -1");
        assertMessage(assertThrows(FormatException.class, () -> Checkpoint.read(file(Map.of(), TRAINING.replace("\"step\":1",
                "\"step\":1.5")), "c")),
                "c", "\"step\" must be a non-negative integer");
        assertMessage(assertThrows(FormatException.class, () -> Checkpoint.read(file(Map.of(), TRAINING.replace(",\"epoch\":0", "")), "c")),
                "c", "\"epoch\" must be a non-negative integer, found null");
        assertMessage(assertThrows(FormatException.class, () -> Checkpoint.read(file(Map.of(),
                TRAINING.replace("\"rng\":{}", "\"rng\":{\"data\":[\"123\"]}")), "c")), "c",
                        "\"rng\" \"data\": expected 16 lowercase hex digits, found a string \"123\"");
        assertMessage(assertThrows(FormatException.class, () -> Checkpoint.read(file(Map.of(),
                TRAINING.replace("\"rng\":{}", "\"rng\":{\"data\":[12]}")), "c")), "c",
                        "expected 16 lowercase hex digits, found a number 12");
        assertMessage(assertThrows(FormatException.class, () -> Checkpoint.read(file(Map.of(),
                TRAINING.replace("\"rng\":{}", "\"rng\":[]")), "c")), "c", "\"rng\": expected an object, found an array");
        assertMessage(assertThrows(FormatException.class, () -> Checkpoint.read(file(Map.of(),
                TRAINING.replace(",\"extra\":{}", "")), "c")), "c", "\"extra\": expected an object, found null");
        assertMessage(assertThrows(FormatException.class, () -> Checkpoint.read(Safetensors.toBytes(Map.of(),
                Map.of("format", "recur-checkpoint", "version", "7")), "c")), "c",
                        "recur-checkpoint version 7 was written by a newer Recur");
        assertMessage(assertThrows(FormatException.class, () -> Checkpoint.read(ModelFileTest.sample().toBytes(), "m")),
                "m", "is a \"recur-model\" file, expected \"recur-checkpoint\"");
    }
}
