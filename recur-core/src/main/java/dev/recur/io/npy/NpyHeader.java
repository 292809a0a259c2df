package dev.recur.io.npy;

import dev.recur.io.DType;
import dev.recur.io.FormatException;
import dev.recur.tensor.ShapeException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The header of an npy file (numpy's format, versions 1.0, 2.0 and 3.0): the magic
 * {@code \x93NUMPY}, the version, a little-endian header length (2 bytes in 1.0, 4 after), and a
 * Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }} padded
 * with spaces and a newline. Only little-endian numeric types in C order are accepted; the dict is
 * parsed by {@link PyDictParser}, strictly.
 *
 * @param dataStart byte offset of the array data (the header's total length)
 */
public record NpyHeader(int major, DType dtype, int[] shape, long dataStart) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Every 1.0 header fits (16-bit length); numpy itself refuses headers past 10 kB by default. */
    public static final int MAX_HEADER_BYTES = 1 << 16;
    /** numpy's limit on the number of dimensions. */
    public static final int MAX_RANK = 64;
    /** numpy aligns the data to 64 bytes. */
    private static final int ALIGN = 64;
    /** numpy leaves room for the first dimension to grow to 21 digits (in-place appends). */
    private static final int GROWTH_DIGITS = 21;

    private static final Map<String, DType> DESCR = Map.ofEntries(
            Map.entry("<f2", DType.F16), Map.entry("<f4", DType.F32), Map.entry("<f8", DType.F64),
            Map.entry("|i1", DType.I8), Map.entry("<i2", DType.I16), Map.entry("<i4", DType.I32), Map.entry("<i8", DType.I64),
            Map.entry("|u1", DType.U8), Map.entry("<u2", DType.U16), Map.entry("<u4", DType.U32), Map.entry("<u8", DType.U64),
            Map.entry("|b1", DType.BOOL));

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public long numel() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** Reads and validates the header of the whole file {@code file}, including its length against the data. */
    public static NpyHeader parse(MemorySegment file, String source) {
        long size = file.byteSize();
        if (size < 10) throw new FormatException(source, "file is " + size + " bytes, too short for an npy header");
        byte[] magic = file.asSlice(0, 6).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(magic, MAGIC)) throw new FormatException(source, "not an npy file (it does not start with \\x93NUMPY)");
        int major = file.get(ValueLayout.JAVA_BYTE, 6) & 0xff;
        int minor = file.get(ValueLayout.JAVA_BYTE, 7) & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw new FormatException(source, "npy format version " + major + "." + minor + " is not supported (1.0, 2.0, 3.0 are)");
        }
        int prefix = major == 1 ? 10 : 12;
        if (size < prefix) throw new FormatException(source, "file is " + size + " bytes, too short for an npy " + major + ".0 header");
        long hlen = major == 1
                ? file.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8) & 0xffffL
                : file.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8) & 0xffffffffL;
        if (hlen > size - prefix) {
            throw new FormatException(source, "header length " + hlen + " exceeds the " + (size - prefix)
                    + " bytes that follow it (truncated file?)");
        }
        if (hlen > MAX_HEADER_BYTES) {
            throw new FormatException(source, "header length " + hlen + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        String text = decode(file.asSlice(prefix, hlen).toArray(ValueLayout.JAVA_BYTE), major, source);
        PyDictParser.Header h = new PyDictParser(text, source).parse();

        DType dtype = DESCR.get(normalize(h.descr()));
        if (dtype == null) throw new FormatException(source, unsupportedDescr(h.descr()));
        int[] shape = h.shape();
        if (shape.length > MAX_RANK) {
            throw new FormatException(source, "shape has " + shape.length + " dimensions, more than numpy's "
                    + MAX_RANK);
        }
        if (h.fortranOrder() && shape.length > 1) {
            throw new FormatException(source,
                    "Fortran-order (column-major) arrays are not supported; save np.ascontiguousarray(a) instead");
        }
        long numel = 1;
        try {
            for (int d : shape) numel = Math.multiplyExact(numel, d);
            long bytes = Math.multiplyExact(numel, dtype.byteSize());
            long dataStart = prefix + hlen;
            long have = size - dataStart;
            if (have < bytes) {
                throw new FormatException(source, "file is truncated: shape " + Arrays.toString(shape) + " of " + h.descr() + " needs "
                        + bytes + " data bytes but only " + have + " follow the header");
            }
            if (have > bytes) {
                throw new FormatException(source, "file has " + (have - bytes) + " bytes after the data of shape " + Arrays.toString(shape)
                        + " of " + h.descr());
            }
            return new NpyHeader(major, dtype, shape, dataStart);
        } catch (ArithmeticException overflow) {
            throw new FormatException(source, "shape " + Arrays.toString(shape) + " has more elements than fit in 64 bits");
        }
    }

    /** Byte order means nothing for one-byte types: numpy writes '|', any mark reads the same. */
    private static String normalize(String descr) {
        boolean oneByte = descr.length() == 3 && descr.charAt(2) == '1' && "<>=|".indexOf(descr.charAt(0)) >= 0;
        return oneByte ? "|" + descr.substring(1) : descr;
    }

    private static String unsupportedDescr(String descr) {
        if (descr.startsWith(">") && descr.length() > 2 && descr.charAt(2) != '1') {
            return "big-endian data ('" + FormatException.printable(descr) + "') is not supported; save a.astype('<"
                    + FormatException.printable(descr.substring(1)) + "') instead";
        }
        return "unsupported dtype " + FormatException.quote(descr) + " (supported: "
                + String.join(", ", DESCR.keySet().stream().sorted().toList()) + ")";
    }

    /** Versions 1 and 2 are latin-1, version 3 is UTF-8. */
    private static String decode(byte[] bytes, int major, String source) {
        if (major < 3) return new String(bytes, StandardCharsets.ISO_8859_1);
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return cb.toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(source, "npy 3.0 header is not valid UTF-8");
        }
    }

    // ---- writing ------------------------------------------------------------------------------

    /**
     * The header numpy's {@code np.save} writes for a C-order array, byte for byte. Always version
     * 1.0: with at most {@value #MAX_RANK} dimensions of at most 10 digits the dict stays far below
     * the 64 kB that 1.0's 16-bit length allows.
     */
    static byte[] encode(DType dtype, int[] shape) {
        if (shape.length > MAX_RANK) {
            throw new ShapeException("npy arrays have at most " + MAX_RANK + " dimensions, found " + shape.length);
        }
        StringBuilder dict = new StringBuilder("{'descr': '").append(descrOf(dtype)).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) dict.append(", ");
            dict.append(shape[i]);
        }
        if (shape.length == 1) dict.append(',');
        dict.append("), }");
        if (shape.length > 0) dict.append(" ".repeat(GROWTH_DIGITS - Integer.toString(shape[0]).length()));
        byte[] text = dict.toString().getBytes(StandardCharsets.US_ASCII);
        int prefix = 10;
        int total = padded(text.length, prefix);
        ByteBuffer b = ByteBuffer.allocate(prefix + total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) total).put(text);
        while (b.position() < b.limit() - 1) b.put((byte) ' ');
        b.put((byte) '\n');
        return b.array();
    }

    /** Header length after padding: numpy always pads (a full 64 when already aligned). */
    private static int padded(int textLength, int prefix) {
        int withNewline = textLength + 1;
        return withNewline + ALIGN - (prefix + withNewline) % ALIGN;
    }

    private static String descrOf(DType dtype) {
        for (Map.Entry<String, DType> e : DESCR.entrySet()) if (e.getValue() == dtype) return e.getKey();
        throw new IllegalArgumentException("npy has no type for " + dtype);
    }
}
