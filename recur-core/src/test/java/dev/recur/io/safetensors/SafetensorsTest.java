package dev.recur.io.safetensors;

import dev.recur.io.DType;
import dev.recur.io.FileAccessException;
import dev.recur.io.FormatException;
import dev.recur.io.IoFixtures;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.recur.io.IoFixtures.bytes;
import static dev.recur.io.IoFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void rewritesPyTorchReferenceFilesByteForByte() throws Exception {
        for (String c : IoFixtures.TORCH_CASES) {
            for (String f : List.of("weights.safetensors", "grads.safetensors")) {
                Path src = resource("torch/" + c + "/" + f);
                byte[] original = bytes(src);
                Map<String, Tensor> tensors = Safetensors.read(src);
                assertTrue(!tensors.isEmpty(), c);
                assertArrayEquals(original, Safetensors.toBytes(tensors, Map.of()), c + "/" + f);
                Path out = dir.resolve(c + "-" + f);
                Safetensors.write(out, tensors);
                assertArrayEquals(original, Files.readAllBytes(out), c + "/" + f + " via a file");
                checkAgainstRawDecode(original, tensors);
            }
        }
    }

    /** The values are the file's little-endian floats in data order: decode them independently. */
    private static void checkAgainstRawDecode(byte[] file, Map<String, Tensor> tensors) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 8 + (int) b.getLong(0);
        for (String name : tensors.keySet().stream().sorted().toList()) {
            for (float v : tensors.get(name).toArray()) {
                assertEquals(Float.floatToRawIntBits(b.getFloat(pos)), Float.floatToRawIntBits(v), name);
                pos += 4;
            }
        }
        assertEquals(file.length, pos);
    }

    @Test
    void writesWhatTheOfficialLayoutPrescribes() {
        // written.safetensors was made by a replica of the official writer (make_fixtures.py):
        // UTF-8 name order (not UTF-16), metadata first, escapes, scalar and empty tensors, padding.
        byte[] expected = bytes(resource("fixtures/written.safetensors"));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : Map.of("b", new int[] {2, 2}, "a", new int[0], "Z", new int[] {3}, "\u00e9", new int[] {1, 2},
                "a.10", new int[] {0, 4}, "a.2", new int[] {2, 1, 2}, "\ud83d\ude00", new int[] {2}, "\uff21", new int[] {1}).entrySet()) {
            Tensor t = Tensor.zeros(e.getValue());
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) d[i] = i * 0.25f - 1;
            tensors.put(e.getKey(), t);
        }
        Map<String, String> meta = Map.of("format", "pt", "esc", "q\"b\\n\nt\tc\u0001d\u007f", "config", "{\"a\": [1, 2]}");
        assertArrayEquals(expected, Safetensors.toBytes(tensors, meta));
        try (SafetensorsFile f = Safetensors.open(expected, "written")) {
            assertEquals(meta, f.metadata());
            assertEquals(List.of("config", "esc", "format"), List.copyOf(f.metadata().keySet()));
            assertArrayEquals(new int[0], f.shape("a"));
            assertEquals(-1f, f.tensor("a").item());
        }
    }

    @Test
    void emptyFileIsBraceAndPadding() {
        byte[] b = Safetensors.toBytes(Map.of(), Map.of());
        assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '}, b);
        assertTrue(Safetensors.read(b, "empty").isEmpty());
    }

    @Test
    void writesNonContiguousTensorsInRowMajorOrder() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1);
        Tensor back = Safetensors.read(Safetensors.toBytes(Map.of("t", t), Map.of()), "t").get("t");
        assertArrayEquals(new int[] {3, 2}, back.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, back.toArray());
    }

    @Test
    void readsEveryDtype() {
        Path p = resource("fixtures/dtypes.safetensors");
        try (SafetensorsFile f = Safetensors.open(p)) {
            assertEquals(Map.of("format", "pt", "note", "caf\u00e9 \u00fc"), f.metadata());
            assertArrayEquals(new float[] {1.5f, -2.25f, (float) 1e-40, Float.POSITIVE_INFINITY}, f.floats("f64"));
            assertArrayEquals(new int[] {2, 2}, f.shape("f64"));
            assertEquals(DType.F64, f.dtype("f64"));
            assertArrayEquals(new float[] {0.1f, -0.0f, Float.POSITIVE_INFINITY}, f.floats("f32"));
            assertArrayEquals(new float[] {1f, -0.5f, 65504f, 5.9604645E-8f}, f.floats("f16"));
            assertArrayEquals(new float[] {1f, -2.5f, 3.140625f, 65280f}, f.floats("bf16"));
            assertArrayEquals(new float[] {1f, -448f, 0x1p-9f, 448f}, f.floats("f8_e4m3"));
            assertArrayEquals(new float[] {1f, -2f, Float.POSITIVE_INFINITY}, f.floats("f8_e5m2"));
            assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, 7}, f.longs("i64"));
            assertArrayEquals(new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE}, f.longs("i32"));
            assertArrayEquals(new long[] {-32768, 32767}, f.longs("i16"));
            assertArrayEquals(new long[] {-128, 127}, f.longs("i8"));
            assertArrayEquals(new long[] {0, 255, 3}, f.longs("u8"));
            assertArrayEquals(new long[] {65535}, f.longs("u16"));
            assertArrayEquals(new long[] {4294967295L}, f.longs("u32"));
            assertArrayEquals(new long[] {Long.MAX_VALUE}, f.longs("u64"));
            assertArrayEquals(new long[] {1, 0, 1}, f.longs("bool"));
            assertEquals(2.5f, f.tensor("scalar").item());
            assertArrayEquals(new int[0], f.shape("scalar"));
            assertArrayEquals(new int[] {0, 3}, f.tensor("empty").shape());
            // Header order is the file's (the official writer: largest dtype first, then name).
            assertEquals("u64", f.names().get(0));
            assertEquals(18, f.names().size());

            FormatException big = assertThrows(FormatException.class, () -> f.longs("u64_big"));
            IoFixtures.assertMessage(big, p.toString(), "\"u64_big\"", "9223372036854775808", "too large");
            FormatException asFloat = assertThrows(FormatException.class, () -> f.floats("i64"));
            IoFixtures.assertMessage(asFloat, p.toString(), "\"i64\"", "I64", "expected a floating-point dtype");
            FormatException asLong = assertThrows(FormatException.class, () -> f.longs("f16"));
            IoFixtures.assertMessage(asLong, p.toString(), "\"f16\"", "F16", "expected an integer dtype");
            FormatException missing = assertThrows(FormatException.class, () -> f.floats("nope"));
            IoFixtures.assertMessage(missing, p.toString(), "no tensor named \"nope\"");
        }
        FormatException e = assertThrows(FormatException.class, () -> Safetensors.read(p));
        IoFixtures.assertMessage(e, p.toString(), "integers", "expected a floating-point dtype");
    }

    @Test
    void readsFromStreamsAndArrays() {
        byte[] b = bytes(resource("torch/lstm_1layer/weights.safetensors"));
        Map<String, Tensor> fromFile = Safetensors.read(resource("torch/lstm_1layer/weights.safetensors"));
        Map<String, Tensor> fromStream = Safetensors.read(new ByteArrayInputStream(b), "lstm.safetensors");
        assertEquals(fromFile.keySet(), fromStream.keySet());
        for (String k : fromFile.keySet()) assertArrayEquals(fromFile.get(k).toArray(), fromStream.get(k).toArray(), k);
    }

    @Test
    void writeRefusesReservedAndMalformedNames() {
        Path out = dir.resolve("bad.safetensors");
        FormatException reserved = assertThrows(FormatException.class,
                () -> Safetensors.write(out, Map.of("__metadata__", Tensor.zeros(1)), Map.of()));
        IoFixtures.assertMessage(reserved, out.toString(), "reserved");
        FormatException surrogate = assertThrows(FormatException.class,
                () -> Safetensors.write(out, Map.of("x\ud800", Tensor.zeros(1)), Map.of()));
        IoFixtures.assertMessage(surrogate, out.toString(), "unpaired UTF-16 surrogate");
        assertTrue(!Files.exists(out));
    }

    @Test
    void missingFileAndDirectoryAreAccessErrors() {
        Path missing = dir.resolve("missing.safetensors");
        FileAccessException e = assertThrows(FileAccessException.class, () -> Safetensors.read(missing));
        IoFixtures.assertMessage(e, missing.toString(), "no such file");
        FileAccessException d = assertThrows(FileAccessException.class, () -> Safetensors.read(dir));
        IoFixtures.assertMessage(d, dir.toString(), "is a directory");
        Path device = Path.of("/dev/null");
        if (Files.exists(device)) {
            FileAccessException dev = assertThrows(FileAccessException.class, () -> Safetensors.read(device));
            IoFixtures.assertMessage(dev, device.toString(), "not a regular file");
        }
    }

    @Test
    void writtenFloatsKeepEveryBit() {
        float[] v = {Float.NaN, Float.intBitsToFloat(0x7fc12345), -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
        Tensor back = Safetensors.read(Safetensors.toBytes(Map.of("v", Tensor.of(v, 6)), Map.of()), "v").get("v");
        for (int i = 0; i < v.length; i++) assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back.data()[i]),
                "element " + i);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
