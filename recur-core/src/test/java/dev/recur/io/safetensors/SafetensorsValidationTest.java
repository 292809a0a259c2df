package dev.recur.io.safetensors;

import dev.recur.io.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.recur.io.IoFixtures.assertMessage;
import static dev.recur.io.IoFixtures.safetensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every way a safetensors file can lie, each rejected with a message naming the file and the problem. */
class SafetensorsValidationTest {
    private static final String NAME = "m.safetensors";

    @TempDir
    Path dir;

    private static void rejects(byte[] file, String... fragments) {
        FormatException e = assertThrows(FormatException.class, () -> {
            try (SafetensorsFile f = Safetensors.open(file, NAME)) {
                f.tensors();
            }
        });
        assertMessage(e, NAME, fragments);
    }

    private static void rejects(String header, int dataBytes, String... fragments) {
        rejects(safetensors(header, dataBytes), fragments);
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void acceptsTheBaseCaseTheOthersBreak() {
        byte[] ok = safetensors("{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[1]", 8, 12) + "}", 12);
        assertEquals(2, Safetensors.read(ok, NAME).size());
    }

    @Test
    void truncatedFiles() {
        byte[] ok = safetensors("{" + tensor("a", "F32", "[2]", 0, 8) + "}", 8);
        rejects(new byte[0], "0 bytes, too short");
        rejects(Arrays.copyOf(ok, 5), "5 bytes, too short");
        rejects(Arrays.copyOf(ok, 20), "header length", "exceeds the 12 bytes");
        rejects(Arrays.copyOf(ok, ok.length - 1), "truncated", "need 8 data bytes but only 7");
    }

    @Test
    void headerLengthsThatLie() {
        byte[] ok = safetensors("{}      ", 0);
        ByteBuffer b = ByteBuffer.wrap(ok.clone()).order(ByteOrder.LITTLE_ENDIAN);
        rejects(b.putLong(0, 1).array(), "header: expected a quoted key"); // cuts the JSON short
        rejects(b.putLong(0, 9).array(), "header length 9 exceeds the 8 bytes");
        rejects(b.putLong(0, -1).array(), "header length 18446744073709551615 exceeds");
        rejects(b.putLong(0, Long.MAX_VALUE).array(), "header length 9223372036854775807 exceeds");
        rejects(b.putLong(0, 0).array(), "does not start with '{'");
    }

    @Test
    void absurdHeaderLengthIsRejectedBeforeAnythingIsAllocated() throws Exception {
        // A sparse 120 MB file: the length field claims a 110 MB header, which the file could hold.
        Path p = dir.resolve("huge.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(120_000_000L);
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(110_000_000L).array());
        }
        FormatException e = assertThrows(FormatException.class, () -> Safetensors.read(p));
        assertMessage(e, p.toString(), "header length 110000000 exceeds the format's limit of 100000000 bytes");
    }

    @Test
    void headerMustBeUtf8JsonObjectWithoutDuplicates() {
        rejects(" {}", 0, "does not start with '{'");
        rejects("[]", 0, "does not start with '{'");
        byte[] badUtf8 = safetensors("{\"__metadata__\":{\"k\":\"xx\"}}", 0);
        badUtf8[8 + 23] = (byte) 0xC3; // a lead byte followed by an ASCII character
        rejects(badUtf8, "header: JSON is not valid UTF-8");
        rejects("{\"a\":", 0, "header: unexpected end of JSON");
        rejects("{} x", 0, "header: unexpected data after the JSON value");
        rejects("{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("a", "F32", "[1]", 4, 8) + "}", 8,
                "header: duplicate key \"a\"");
        rejects("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, "duplicate key \"k\"");
    }

    @Test
    void paddingWithSpacesIsAllowed() {
        assertEquals(1, Safetensors.read(safetensors("{" + tensor("a", "F32", "[1]", 0, 4) + "}     ", 4), NAME).size());
    }

    @Test
    void wrongEntryStructure() {
        rejects("{\"a\":1}", 0, "tensor \"a\": expected an object, found a number");
        rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 0, "tensor \"a\": missing \"data_offsets\"");
        rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4, "tensor \"a\": unknown field \"x\"");
        rejects("{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor \"a\": \"dtype\" must be a string");
        rejects("{" + tensor("a", "F128", "[1]", 0, 16) + "}", 16, "tensor \"a\": unsupported dtype \"F128\"");
        rejects("{" + tensor("a", "f32", "[1]", 0, 4) + "}", 4, "unsupported dtype \"f32\"");
        rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":3,\"data_offsets\":[0,4]}}", 4, "\"shape\" must be an array, found a number");
        rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4,
                "\"data_offsets\" must be [begin, end], found 1 numbers");
        rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\"0-4\"}}", 4, "\"data_offsets\" must be an array");
    }

    @Test
    void badDimensions() {
        rejects("{" + tensor("a", "F32", "[-1]", 0, 4) + "}", 4, "tensor \"a\": \"shape\" dimension 0 is negative (-1)");
        rejects("{" + tensor("a", "F32", "[1.5]", 0, 4) + "}", 4, "dimension 0 must be an integer, found a number 1.5");
        rejects("{" + tensor("a", "F32", "[1.0]", 0, 4) + "}", 4, "must be an integer");
        rejects("{" + tensor("a", "F32", "[\"1\"]", 0, 4) + "}", 4, "must be an integer, found a string");
        rejects("{" + tensor("a", "F32", "[2147483648]", 0, 4) + "}", 4, "dimension 0 is 2147483648, larger than 2147483647");
        rejects("{" + tensor("a", "F32", "[18446744073709551616]", 0, 4) + "}", 4, "must be an integer, found a number");
        rejects("{" + tensor("a", "F32", "[2147483647,2147483647,2147483647]", 0, 4) + "}", 4, "more elements than fit in 64 bits");
        rejects("{" + tensor("a", "F64", "[2147483647,2147483647,2]", 0, 4) + "}", 4, "needs more bytes than fit in 64 bits");
        String manyOnes = "[" + "1,".repeat(999) + "2]";
        rejects("{" + tensor("a", "F32", manyOnes, 0, 4) + "}", 4, "shape [1, 1, 1, 1, 1, 1, 1, 1, ... (1000 dimensions)] of F32 needs 8");
    }

    @Test
    void offsetsThatDisagreeWithShapeOrEachOther() {
        rejects("{" + tensor("a", "F32", "[2]", 0, 4)
                + "}", 4, "tensor \"a\": data_offsets [0, 4] span 4 bytes but shape [2] of F32 needs 8");
        rejects("{" + tensor("a", "BF16", "[2,2]", 0, 16) + "}", 16, "span 16 bytes but shape [2, 2] of BF16 needs 8");
        rejects("{" + tensor("a", "F32", "[1]", -4, 0) + "}", 0, "data_offsets begin is negative (-4)");
        rejects("{" + tensor("a", "F32", "[0]", 4, 0) + "}", 4, "data_offsets [4, 0] end before they begin");
        rejects("{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[1]", 4, 8) + "}", 8,
                "tensor \"b\": data_offsets [4, 8] overlap tensor \"a\" [0, 8]");
        rejects("{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("b", "F32", "[1]", 8, 12) + "}", 12,
                "data bytes [4, 8) belong to no tensor", "before tensor \"b\"");
        rejects("{" + tensor("a", "F32", "[1]", 4, 8) + "}", 8, "data bytes [0, 4) belong to no tensor");
        rejects("{" + tensor("a", "F32", "[1]", 0, 4) + "}", 6, "data buffer has 6 bytes but the tensors cover only 4");
        rejects("{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("e", "F32", "[0]", 2, 2) + "}", 4, "overlap");
        rejects("{" + tensor("a", "F32", "[1]", 9223372036854775803L, 9223372036854775807L) + "}", 4, "belong to no tensor");
    }

    @Test
    void tensorsMayBeListedInAnyOrderAndBeEmpty() {
        byte[] f = safetensors("{" + tensor("b", "F32", "[1]", 4, 8) + "," + tensor("z", "F32", "[0,5]", 8, 8) + ","
                + tensor("a", "F32", "[1]", 0, 4) + "}", 8);
        try (SafetensorsFile s = Safetensors.open(f, NAME)) {
            assertEquals(java.util.List.of("b", "z", "a"), s.names());
            assertEquals(0, s.floats("z").length);
        }
    }

    @Test
    void badMetadata() {
        rejects("{\"__metadata__\":[1]}", 0, "\"__metadata__\" must be an object of strings, found an array");
        rejects("{\"__metadata__\":{\"step\":3}}", 0, "\"__metadata__\" key \"step\" must be a string, found a number");
        assertEquals(0, Safetensors.read(safetensors("{\"__metadata__\":null}", 0), NAME).size());
    }

    @Test
    void fileErrorsNameTheFile() throws Exception {
        Path p = dir.resolve("cut.safetensors");
        byte[] ok = safetensors("{" + tensor("a", "F32", "[4]", 0, 16) + "}", 16);
        Files.write(p, Arrays.copyOf(ok, ok.length - 3));
        FormatException e = assertThrows(FormatException.class, () -> Safetensors.read(p));
        assertMessage(e, p.toString(), "truncated");
    }
}
