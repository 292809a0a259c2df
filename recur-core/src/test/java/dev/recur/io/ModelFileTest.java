package dev.recur.io;

import dev.recur.io.safetensors.Safetensors;
import dev.recur.io.safetensors.SafetensorsFile;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.recur.io.IoFixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModelFileTest {
    @TempDir
    Path dir;

    /** The model the golden file holds. */
    static ModelFile sample() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("spec", "embed(32,16) > lstm(64) x2 > linear(32)");
        config.put("layers", List.of(Map.of("type", "lstm", "hidden", 64L, "dropout", 0.125), Map.of("type", "linear", "bias", true)));
        config.put("vocab", "abc\u00e9\n\"");
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("layers.0.weight_ih", Tensor.of(new float[] {1, -2, 3.5f, 0.25f, -0f, 1e-30f}, 2, 3));
        weights.put("layers.0.bias", Tensor.of(new float[] {0.5f, 1.5f}, 2));
        weights.put("head.scale", Tensor.scalar(2f));
        return new ModelFile(config, weights);
    }

    private static void assertSameModel(ModelFile expected, ModelFile actual) {
        assertEquals(expected.config(), actual.config());
        assertEquals(expected.weights().keySet(), actual.weights().keySet());
        for (String k : expected.weights().keySet()) {
            assertArrayEquals(expected.weights().get(k).shape(), actual.weights().get(k).shape(), k);
            assertArrayEquals(expected.weights().get(k).toArray(), actual.weights().get(k).toArray(), k);
        }
    }

    @Test
    void roundTripsConfigAndWeights() {
        Path p = dir.resolve("m.recur");
        ModelFile m = sample();
        ModelFile.write(p, m.config(), m.weights());
        assertSameModel(m, ModelFile.read(p));
        try (SafetensorsFile f = Safetensors.open(p)) {
            assertEquals("recur-model", f.metadata().get("format"));
            assertEquals("1", f.metadata().get("version"));
            assertEquals(m.weights().size(), f.names().size());
        }
        assertSameModel(m, ModelFile.read(new ByteArrayInputStream(m.toBytes()), "resource"));
    }

    /** Version 1 as first written: this file must stay readable by every later version. */
    @Test
    void readsTheVersion1GoldenFileAndWritesItIdentically() throws Exception {
        Path golden = IoFixtures.resource("golden/model-v1.safetensors");
        assertSameModel(sample(), ModelFile.read(golden));
        assertArrayEquals(Files.readAllBytes(golden), sample().toBytes());
    }

    private static byte[] withMetadata(Map<String, String> metadata) {
        return Safetensors.toBytes(Map.of("w", Tensor.zeros(2)), metadata);
    }

    @Test
    void rejectsOtherFilesWithClearMessages() {
        assertMessage(assertThrows(FormatException.class, () -> ModelFile.read(withMetadata(Map.of()), "plain.safetensors")),
                "plain.safetensors", "not a recur-model file", "no \"format\"");
        assertMessage(assertThrows(FormatException.class, () -> ModelFile.read(
                withMetadata(Map.of("format", "recur-checkpoint", "version", "1")), "ck")), "ck",
                        "is a \"recur-checkpoint\" file, expected \"recur-model\"");
        assertMessage(assertThrows(FormatException.class, () -> ModelFile.read(
                withMetadata(Map.of("format", "recur-model", "version", "2", "config", "{}")), "new")),
                "new", "recur-model version 2 was written by a newer Recur", "versions 1 to 1");
        for (String bad : List.of("0", "-1", "1.0", "01", "x", "", "99999999999")) {
            assertMessage(assertThrows(FormatException.class, () -> ModelFile.read(
                    withMetadata(Map.of("format", "recur-model", "version", bad, "config", "{}")), "v")), "v", "is not a positive integer");
        }
        assertMessage(assertThrows(FormatException.class, () -> ModelFile.read(
                withMetadata(Map.of("format", "recur-model", "config", "{}")), "nv")), "nv", "no \"version\"");
        assertMessage(assertThrows(FormatException.class, () -> ModelFile.read(
                withMetadata(Map.of("format", "recur-model", "version", "1")), "nc")), "nc", "metadata has no \"config\"");
        assertMessage(assertThrows(FormatException.class, () -> ModelFile.read(
                withMetadata(Map.of("format", "recur-model", "version", "1", "config", "{\"a\":")), "bc")), "bc",
                        "metadata \"config\": unexpected end of JSON");
        assertMessage(assertThrows(FormatException.class, () -> ModelFile.read(
                withMetadata(Map.of("format", "recur-model", "version", "1", "config", "[1]")), "ac")), "ac",
                        "metadata \"config\": expected a JSON object");
    }
}
