package dev.recur.io.npy;

import dev.recur.io.FormatException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static dev.recur.io.IoFixtures.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hand-made npy files that break one rule each. */
class NpyValidationTest {
    private static final String NAME = "a.npy";

    /** An npy file of the given version with this dict (padded with a newline) and data bytes. */
    static byte[] npy(int major, String dict, int dataBytes) {
        byte[] h = (dict + "\n").getBytes(StandardCharsets.UTF_8);
        int prefix = major == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(prefix + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) b.putShort((short) h.length);
        else b.putInt(h.length);
        b.put(h);
        return b.array();
    }

    static String dict(String descr, String fortran, String shape) {
        return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    }

    private static void rejects(byte[] file, String... fragments) {
        FormatException e = assertThrows(FormatException.class, () -> Npy.load(file, NAME));
        assertMessage(e, NAME, fragments);
    }

    private static void rejects(String dict, int dataBytes, String... fragments) {
        rejects(npy(1, dict, dataBytes), fragments);
    }

    @Test
    void acceptsTheVariantsNumpyAccepts() {
        assertArrayEquals(new int[] {2, 3}, Npy.load(npy(1, dict("'<f4'", "False", "(2, 3)"), 24), NAME).shape());
        assertArrayEquals(new int[] {2, 3}, Npy.load(npy(1, "{\"shape\":(2,3),\"descr\":\"<f4\",\"fortran_order\":False}", 24),
                NAME).shape());
        assertArrayEquals(new int[] {2, 3}, Npy.load(npy(1, dict("'<f4'", "False", "(2L, 3L)"), 24), NAME).shape());
        assertArrayEquals(new int[] {4}, Npy.load(npy(1, dict("'<f4'", "True", "(4,)"), 16), NAME).shape());
        assertArrayEquals(new int[0], Npy.load(npy(2, dict("'<i8'", "False", "()"), 8), NAME).shape());
        assertEquals(2, Npy.load(npy(1, dict("'<u1'", "False", "(2,)"), 2), NAME).longs().length);
    }

    @Test
    void emptyArraysMayHaveHugeDimensions() {
        byte[] f = npy(1, dict("'<f4'", "False", "(2147483647, 2147483647, 0)"), 0);
        assertArrayEquals(new int[] {2147483647, 2147483647, 0}, Npy.read(f, NAME).shape());
        assertEquals(0, Npy.read(f, NAME).numel());
    }

    @Test
    void rejectsBadPrefixes() {
        byte[] ok = npy(1, dict("'<f4'", "False", "(2,)"), 8);
        rejects(Arrays.copyOf(ok, 9), "9 bytes, too short");
        byte[] magic = ok.clone();
        magic[1] = 'n';
        rejects(magic, "not an npy file");
        byte[] v4 = ok.clone();
        v4[6] = 4;
        rejects(v4, "npy format version 4.0 is not supported");
        byte[] v11 = ok.clone();
        v11[7] = 1;
        rejects(v11, "npy format version 1.1 is not supported");
        byte[] lies = ok.clone();
        lies[8] = (byte) 0xff;
        lies[9] = (byte) 0xff;
        rejects(lies, "header length 65535 exceeds the");
        byte[] v2 = npy(2, dict("'<f4'", "False", "(2,)"), 8);
        ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -1);
        rejects(v2, "header length 4294967295 exceeds");
        rejects(Arrays.copyOf(npy(2, "{}", 0), 11), "11 bytes, too short for an npy 2.0 header");
    }

    @Test
    void rejectsDataOfTheWrongLength() {
        rejects(dict("'<f4'", "False", "(2, 3)"), 23, "truncated", "needs 24 data bytes but only 23");
        rejects(dict("'<f4'", "False", "(2, 3)"), 25, "1 bytes after the data");
        rejects(dict("'<f8'", "False", "(2147483647, 2147483647, 2147483647)"), 0, "more elements than fit in 64 bits");
    }

    @Test
    void rejectsBadDicts() {
        rejects("", 0, "npy header: expected '{' at character 1");
        rejects("{'descr': '<f4', 'shape': (2,), }", 8, "no \"fortran_order\" key");
        rejects(dict("'<f4'", "False", "(2,)").replace("}", "'x': 1, }"), 8, "unexpected key \"x\"");
        rejects("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", 8, "duplicate key \"descr\"");
        rejects(dict("'<f4'", "False", "(2)"), 8, "shape (n) is an integer in Python");
        rejects(dict("'<f4'", "False", "(-2,)"), 8, "negative dimension");
        rejects(dict("'<f4'", "False", "(02,)"), 8, "leading zero");
        rejects(dict("'<f4'", "False", "(2.0,)"), 8, "expected ',' or ')'");
        rejects(dict("'<f4'", "False", "[2]"), 8, "unexpected list", "a shape is a tuple");
        rejects(dict("'<f4'", "0", "(2,)"), 8, "unexpected value");
        rejects(dict("'<f4'", "'False'", "(2,)"), 8, "'fortran_order' must be True or False");
        rejects(dict("'<f4'", "False", "'2'"), 8, "'shape' must be a tuple");
        rejects(dict("(2,)", "False", "(2,)"), 8, "'descr' must be a type string");
        rejects(dict("[('a', '<f4')]", "False", "(2,)"), 8, "structured dtypes");
        rejects("{'descr': '<f4", 0, "unterminated string");
        rejects(dict("'<\\x66'", "False", "(2,)"), 8, "escapes in strings are not supported");
        rejects(dict("'<f4'", "False", "(2,)") + " x", 8, "unexpected text after the header dict");
        rejects(dict("'<f4'", "False", "(2,,)"), 8, "expected a dimension");
        rejects(dict("'<f4'", "False", "(99999999999,)"), 8, "dimension 99999999999 exceeds 2147483647");
        rejects(dict("'<f4'", "False", "(" + "1, ".repeat(65) + ")"), 4, "65 dimensions, more than numpy's 64");
    }

    @Test
    void rejectsUnsupportedTypes() {
        rejects(dict("'<c8'", "False", "(1,)"), 8, "unsupported dtype \"<c8\"", "supported: ");
        rejects(dict("'>i8'", "False", "(1,)"), 8, "big-endian data ('>i8') is not supported; save a.astype('<i8')");
        rejects(dict("'O'", "False", "(1,)"), 8, "unsupported dtype \"O\"");
        rejects(dict("'<f4'", "True", "(2, 2)"), 16, "Fortran-order");
    }

    @Test
    void version3HeaderMustBeUtf8() {
        byte[] f = npy(3, dict("'<f4'", "False", "(1,)"), 4);
        f[12 + 12] = (byte) 0xff; // inside 'descr'
        rejects(f, "npy 3.0 header is not valid UTF-8");
    }
}
