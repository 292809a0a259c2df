package dev.recur.io.fuzz;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.recur.io.IoFixtures.bytes;
import static dev.recur.io.IoFixtures.resource;

/**
 * Bounded mutation fuzzing of every parser in dev.recur.io (see {@link Fuzzer}): safetensors, npy,
 * the model-file and checkpoint headers, and the JSON they embed. Run longer with
 * {@code -Drecur.fuzz.seconds=300}.
 */
class ParserFuzzTest {
    private static List<byte[]> resources(String... paths) {
        List<byte[]> out = new ArrayList<>();
        for (String p : paths) out.add(bytes(resource(p)));
        return out;
    }

    @Test
    void safetensors() {
        List<byte[]> seeds = resources("fixtures/dtypes.safetensors", "fixtures/written.safetensors", "golden/model-v1.safetensors",
                "golden/checkpoint-v1.safetensors", "torch/lstm_proj/weights.safetensors", "torch/rnn_relu_1layer/grads.safetensors");
        Fuzzer.assertEffective(Fuzzer.run("safetensors", seeds, Codecs.SAFETENSORS, FuzzTargets::safetensors), 25);
    }

    @Test
    void npy() {
        List<byte[]> seeds = resources("fixtures/f4_scalar.npy", "fixtures/f4_3d.npy", "fixtures/f4_empty_billion.npy", "fixtures/f8.npy",
                "fixtures/f2.npy", "fixtures/i4.npy", "fixtures/i8.npy", "fixtures/u1.npy", "fixtures/b1.npy", "fixtures/v2.npy",
                "fixtures/v3.npy", "torch/gru_1layer/x.npy");
        Fuzzer.assertEffective(Fuzzer.run("npy", seeds, Codecs.NPY, FuzzTargets::npy), 20);
    }

    @Test
    void modelFile() {
        Fuzzer.assertEffective(Fuzzer.run("model-file", resources("golden/model-v1.safetensors"), Codecs.SAFETENSORS,
                FuzzTargets::modelFile), 15);
    }

    @Test
    void checkpoint() {
        Fuzzer.assertEffective(Fuzzer.run("checkpoint", resources("golden/checkpoint-v1.safetensors"), Codecs.SAFETENSORS,
                FuzzTargets::checkpoint), 15);
    }

    @Test
    void json() {
        List<byte[]> seeds = new ArrayList<>();
        for (String s : List.of("{\"a\":[1,2.5,-3e2,true,false,null],\"b\":{\"c\":\"x\\\"y\\u00e9\\n\"},\"big\":9007199254740993}",
                "[\"\\ud83d\\ude00\",-0.0,1e308,{\"\":{}}]", "\"caf\u00e9\"")) {
            seeds.add(s.getBytes(StandardCharsets.UTF_8));
        }
        Fuzzer.assertEffective(Fuzzer.run("json", seeds, null, FuzzTargets::json), 15);
    }
}
