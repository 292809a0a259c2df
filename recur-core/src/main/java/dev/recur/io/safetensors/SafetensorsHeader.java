package dev.recur.io.safetensors;

import dev.recur.io.DType;
import dev.recur.io.FormatException;
import dev.recur.io.json.Json;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a safetensors file: an 8-byte little-endian length N, N bytes of UTF-8 JSON
 * mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} plus an
 * optional {@code "__metadata__"} object of strings, padded with spaces; the data buffer follows.
 *
 * <p>{@link #parse} accepts exactly what the specification allows and rejects everything else with
 * a {@link FormatException} that names the file and the tensor: every number is checked against
 * the true file length before anything is sized from it, and the tensors must tile the data
 * buffer exactly (no overlap, no hole, nothing left over), each spanning shape x dtype bytes.
 */
public record SafetensorsHeader(Map<String, String> metadata, List<TensorEntry> entries, long dataStart) {
    /** The official implementation's limit; a larger header is corrupt, not a model. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final List<String> ENTRY_KEYS = List.of("dtype", "shape", "data_offsets");
    private static final Comparator<String> UTF8_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    public SafetensorsHeader {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        entries = List.copyOf(entries);
    }

    /** Reads and validates the header of the whole file {@code file}, named {@code source}. */
    public static SafetensorsHeader parse(MemorySegment file, String source) {
        long size = file.byteSize();
        if (size < 8) throw new FormatException(source, "file is " + size + " bytes, too short for the 8-byte header length");
        long n = file.get(U64, 0);
        if (n < 0 || n > size - 8) {
            throw new FormatException(source, "header length " + Long.toUnsignedString(n) + " exceeds the " + (size - 8)
                    + " bytes that follow the length field (truncated or not a safetensors file)");
        }
        if (n > MAX_HEADER_BYTES) {
            throw new FormatException(source, "header length " + n + " exceeds the format's limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n == 0 || file.get(ValueLayout.JAVA_BYTE, 8) != '{') {
            throw new FormatException(source, "header does not start with '{' (not a safetensors file)");
        }
        Object root;
        try {
            root = Json.parse(file.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE), source);
        } catch (FormatException e) {
            throw new FormatException(source, "header: " + e.problem(), e);
        }
        if (!(root instanceof Map<?, ?> map)) throw new FormatException(source, "header is not a JSON object");

        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorEntry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals(METADATA_KEY)) {
                readMetadata(e.getValue(), metadata, source);
            } else {
                entries.add(readEntry(key, e.getValue(), source));
            }
        }
        long dataStart = 8 + n;
        checkTiling(entries, size - dataStart, source);
        return new SafetensorsHeader(metadata, entries, dataStart);
    }

    private static void readMetadata(Object v, Map<String, String> out, String source) {
        if (v == null) return; // the official reader treats null as absent
        if (!(v instanceof Map<?, ?> m)) {
            throw new FormatException(source, "\"__metadata__\" must be an object of strings, found "
                    + Json.typeName(v));
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new FormatException(source, "\"__metadata__\" key " + FormatException.quote((String) e.getKey())
                        + " must be a string, found " + Json.typeName(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
    }

    private static TensorEntry readEntry(String name, Object v, String source) {
        String where = "tensor " + FormatException.quote(name);
        if (!(v instanceof Map<?, ?> m)) throw new FormatException(source, where + ": expected an object, found " + Json.typeName(v));
        for (Object k : m.keySet()) {
            if (!ENTRY_KEYS.contains(k)) throw new FormatException(source, where + ": unknown field " + FormatException.quote((String) k));
        }
        for (String k : ENTRY_KEYS) {
            if (!m.containsKey(k)) throw new FormatException(source, where + ": missing \"" + k + "\"");
        }
        if (!(m.get("dtype") instanceof String dtypeName)) {
            throw new FormatException(source, where + ": \"dtype\" must be a string, found " + Json.typeName(m.get("dtype")));
        }
        DType dtype = DType.fromSafetensorsName(dtypeName);
        if (dtype == null) {
            throw new FormatException(source, where + ": unsupported dtype " + FormatException.quote(dtypeName) + " (supported: "
                    + Arrays.toString(DType.values()) + ")");
        }
        List<?> shapeList = list(m.get("shape"), where + ": \"shape\"", source);
        int[] shape = new int[shapeList.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = nonNegative(shapeList.get(i), where + ": \"shape\" dimension " + i, source);
            if (d > Integer.MAX_VALUE) {
                throw new FormatException(source, where + ": \"shape\" dimension " + i + " is " + d + ", larger than " + Integer.MAX_VALUE);
            }
            shape[i] = (int) d;
            numel = multiply(numel, d, where + ": shape " + shapeText(shapeList) + " has more elements than fit in 64 bits", source);
        }
        List<?> offsets = list(m.get("data_offsets"), where + ": \"data_offsets\"", source);
        if (offsets.size() != 2) {
            throw new FormatException(source, where + ": \"data_offsets\" must be [begin, end], found " + offsets.size() + " numbers");
        }
        long begin = nonNegative(offsets.get(0), where + ": data_offsets begin", source);
        long end = nonNegative(offsets.get(1), where + ": data_offsets end", source);
        if (end < begin) throw new FormatException(source, where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        long bytes = multiply(numel, dtype.byteSize(), where + ": shape " + shapeText(shapeList) + " of " + dtype
                + " needs more bytes than fit in 64 bits", source);
        if (end - begin != bytes) {
            throw new FormatException(source, where + ": data_offsets [" + begin + ", " + end + "] span " + (end - begin)
                    + " bytes but shape " + shapeText(shapeList) + " of " + dtype + " needs " + bytes);
        }
        return new TensorEntry(name, dtype, shape, begin, end);
    }

    /** The tensors, in data order, must cover {@code [0, dataLength)} exactly once. */
    private static void checkTiling(List<TensorEntry> entries, long dataLength, String source) {
        List<TensorEntry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long covered = 0;
        TensorEntry previous = null;
        for (TensorEntry e : byOffset) {
            if (e.begin() < covered) {
                throw new FormatException(source, "tensor " + FormatException.quote(e.name()) + ": data_offsets [" + e.begin() + ", "
                        + e.end()
                        + "] overlap tensor " + FormatException.quote(previous.name()) + " [" + previous.begin() + ", " + previous.end()
                                + "]");
            }
            if (e.begin() > covered) {
                throw new FormatException(source, "data bytes [" + covered + ", " + e.begin()
                        + ") belong to no tensor (a hole before tensor "
                        + FormatException.quote(e.name()) + "); the tensors must cover the data buffer contiguously");
            }
            covered = e.end();
            previous = e;
        }
        if (covered > dataLength) {
            throw new FormatException(source, "file is truncated: the tensors need " + covered + " data bytes but only "
                    + dataLength + " follow the header");
        }
        if (covered < dataLength) {
            throw new FormatException(source, "data buffer has " + dataLength + " bytes but the tensors cover only " + covered
                    + " (trailing bytes or a header that lies about the tensors)");
        }
    }

    /** A shape for a message: a file may declare thousands of dimensions, the message shows a few. */
    private static String shapeText(List<?> dims) {
        int shown = Math.min(dims.size(), 8);
        String head = dims.subList(0, shown).toString();
        return shown == dims.size() ? head : head.substring(0, head.length() - 1) + ", ... (" + dims.size() + " dimensions)]";
    }

    private static List<?> list(Object v, String what, String source) {
        if (v instanceof List<?> l) return l;
        throw new FormatException(source, what + " must be an array, found " + Json.typeName(v));
    }

    private static long nonNegative(Object v, String what, String source) {
        if (!(v instanceof Long l)) throw new FormatException(source, what + " must be an integer, found " + Json.describe(v));
        if (l < 0) throw new FormatException(source, what + " is negative (" + l + ")");
        return l;
    }

    private static long multiply(long a, long b, String overflow, String source) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new FormatException(source, overflow);
        }
    }

    // ---- writing ------------------------------------------------------------------------------

    /**
     * The header bytes (length field excluded) for float32 tensors of these shapes, in the order
     * the official writer uses (for a single dtype: by name, bytewise UTF-8), metadata first with
     * its keys in the same order, compact JSON padded with spaces to a multiple of 8 bytes.
     * Returns the tensor names in data order through {@code orderOut}.
     */
    static byte[] encodeF32(Map<String, int[]> shapes, Map<String, String> metadata, List<String> orderOut) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            Map<String, Object> meta = new LinkedHashMap<>();
            metadata.keySet().stream().sorted(UTF8_ORDER).forEach(k -> meta.put(k, metadata.get(k)));
            root.put(METADATA_KEY, meta);
        }
        List<String> names = new ArrayList<>(shapes.keySet());
        names.sort(UTF8_ORDER);
        long offset = 0;
        for (String name : names) {
            int[] shape = shapes.get(name);
            long bytes = (long) DType.F32.byteSize();
            List<Long> dims = new ArrayList<>();
            for (int d : shape) {
                dims.add((long) d);
                bytes *= d;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", DType.F32.name());
            entry.put("shape", dims);
            entry.put("data_offsets", List.of(offset, offset + bytes));
            root.put(name, entry);
            offset += bytes;
        }
        orderOut.addAll(names);
        byte[] json = Json.write(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }
}
