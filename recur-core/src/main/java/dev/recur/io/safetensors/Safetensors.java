package dev.recur.io.safetensors;

import dev.recur.io.AtomicFiles;
import dev.recur.io.ByteSource;
import dev.recur.io.FormatException;
import dev.recur.io.LittleEndian;
import dev.recur.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (https://github.com/huggingface/safetensors): reading every dtype the
 * specification defines, writing float32 byte-for-byte as the official library does. See
 * {@link SafetensorsHeader} for what is validated.
 */
public final class Safetensors {
    private Safetensors() {}

    /** Every tensor of the file as float32 (F64/F16/BF16/F8 converted); an integer tensor is an error. */
    public static Map<String, Tensor> read(Path path) {
        try (SafetensorsFile f = open(path)) {
            return f.tensors();
        }
    }

    /** As {@link #read(Path)}, from bytes held in memory; {@code sourceName} names them in errors. */
    public static Map<String, Tensor> read(byte[] bytes, String sourceName) {
        try (SafetensorsFile f = open(bytes, sourceName)) {
            return f.tensors();
        }
    }

    /** As {@link #read(Path)}, from a stream read to its end (e.g. a class-path resource). */
    public static Map<String, Tensor> read(InputStream in, String sourceName) {
        try (SafetensorsFile f = open(in, sourceName)) {
            return f.tensors();
        }
    }

    /** Opens and validates the file for typed access (dtypes, shapes, integers, metadata). */
    public static SafetensorsFile open(Path path) {
        return SafetensorsFile.open(ByteSource.map(path));
    }

    public static SafetensorsFile open(byte[] bytes, String sourceName) {
        return SafetensorsFile.open(ByteSource.of(bytes, sourceName));
    }

    public static SafetensorsFile open(InputStream in, String sourceName) {
        return SafetensorsFile.open(ByteSource.read(in, sourceName));
    }

    /** Writes float32 tensors without metadata, atomically. */
    public static void write(Path path, Map<String, Tensor> tensors) {
        write(path, tensors, Map.of());
    }

    /**
     * Writes float32 tensors and {@code __metadata__} strings atomically, in the official writer's
     * layout: tensors ordered by name, metadata first, header padded to 8 bytes.
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Encoded e = encode(tensors, metadata, path.toString());
        AtomicFiles.write(path, e::writeTo);
    }

    /** The bytes {@link #write(Path, Map, Map)} would write. */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Encoded e = encode(tensors, metadata, "safetensors bytes");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            e.writeTo(out);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toByteArray();
    }

    private record Encoded(byte[] header, List<Tensor> data) {
        void writeTo(OutputStream out) throws IOException {
            LittleEndian.writeLong(out, header.length);
            out.write(header);
            for (Tensor t : data) LittleEndian.writeFloats(out, t);
        }
    }

    private static Encoded encode(Map<String, Tensor> tensors, Map<String, String> metadata, String target) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || e.getValue() == null) throw new FormatException(target, "cannot write a null tensor name or tensor");
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new FormatException(target, "cannot write a tensor named \"__metadata__\": the name is reserved");
            }
            checkWellFormed(name, "tensor name", target);
            shapes.put(name, e.getValue().shape());
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) throw new FormatException(target, "cannot write null metadata");
            checkWellFormed(e.getKey(), "metadata key", target);
            checkWellFormed(e.getValue(), "metadata value for " + FormatException.quote(e.getKey()), target);
        }
        List<String> order = new ArrayList<>();
        byte[] header = SafetensorsHeader.encodeF32(shapes, metadata, order);
        if (header.length > SafetensorsHeader.MAX_HEADER_BYTES) {
            throw new FormatException(target, "the header would be " + header.length + " bytes, over the format's limit of "
                    + SafetensorsHeader.MAX_HEADER_BYTES + " (too much metadata or too many tensors)");
        }
        List<Tensor> data = new ArrayList<>(order.size());
        for (String name : order) data.add(tensors.get(name));
        return new Encoded(header, data);
    }

    /** A lone UTF-16 surrogate has no UTF-8 encoding; Java would silently write '?'. */
    private static void checkWellFormed(String s, String what, String target) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new FormatException(target, what + " " + FormatException.quote(s)
                        + " contains an unpaired UTF-16 surrogate at index " + i);
            }
        }
    }
}
