package dev.recur.io.safetensors;

import dev.recur.io.ByteSource;
import dev.recur.io.DType;
import dev.recur.io.FormatException;
import dev.recur.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open, validated safetensors file with typed access to its tensors. The file is mapped, not
 * read: each tensor is decoded when asked for. Safe to use from several threads; close it when
 * done (the mapping is released, arrays already returned stay valid).
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The largest array the JVM allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final ByteSource bytes;
    private final SafetensorsHeader header;
    private final Map<String, TensorEntry> byName;

    private SafetensorsFile(ByteSource bytes, SafetensorsHeader header) {
        this.bytes = bytes;
        this.header = header;
        Map<String, TensorEntry> m = new LinkedHashMap<>();
        for (TensorEntry e : header.entries()) m.put(e.name(), e);
        this.byName = Collections.unmodifiableMap(m);
    }

    /** Validates the header of {@code bytes}; takes ownership (closes it on failure or on close). */
    static SafetensorsFile open(ByteSource bytes) {
        try {
            return new SafetensorsFile(bytes, SafetensorsHeader.parse(bytes.bytes(), bytes.name()));
        } catch (RuntimeException | Error e) {
            bytes.close();
            throw e;
        }
    }

    /** The file name (or resource name) used in messages. */
    public String source() {
        return bytes.name();
    }

    /** The {@code __metadata__} strings, in file order (empty when absent). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    public TensorEntry entry(String name) {
        TensorEntry e = byName.get(name);
        if (e == null) {
            throw new FormatException(source(), "no tensor named " + FormatException.quote(name) + " (the file has "
                    + byName.size() + " tensors)");
        }
        return e;
    }

    public DType dtype(String name) {
        return entry(name).dtype();
    }

    public int[] shape(String name) {
        return entry(name).shape();
    }

    /** The elements of a floating-point tensor, converted to float32, row-major. */
    public float[] floats(String name) {
        TensorEntry e = entry(name);
        if (!e.dtype().isFloating()) {
            throw new FormatException(source(), "tensor " + FormatException.quote(name) + " holds " + e.dtype()
                    + " integers, expected a floating-point dtype");
        }
        float[] out = new float[arrayLength(e)];
        e.dtype().decodeFloats(bytes.bytes(), header.dataStart() + e.begin(), out, out.length);
        return out;
    }

    /** A floating-point tensor as a float32 {@link Tensor}. */
    public Tensor tensor(String name) {
        return Tensor.of(floats(name), entry(name).shape());
    }

    /** The elements of an integer or boolean tensor (BOOL as 0/1), row-major. */
    public long[] longs(String name) {
        TensorEntry e = entry(name);
        if (e.dtype().isFloating()) {
            throw new FormatException(source(), "tensor " + FormatException.quote(name) + " holds " + e.dtype()
                    + " floating-point values, expected an integer dtype");
        }
        long[] out = new long[arrayLength(e)];
        int tooBig = e.dtype().decodeLongs(bytes.bytes(), header.dataStart() + e.begin(), out, out.length);
        if (tooBig >= 0) {
            throw new FormatException(source(), "tensor " + FormatException.quote(name) + ": U64 element " + tooBig + " is "
                    + Long.toUnsignedString(out[tooBig]) + ", too large for a signed 64-bit integer");
        }
        return out;
    }

    /** Every tensor as float32, in header order; an integer tensor is an error naming it. */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : byName.keySet()) out.put(name, tensor(name));
        return out;
    }

    private int arrayLength(TensorEntry e) {
        long n = e.numel();
        if (n > MAX_ARRAY) {
            throw new FormatException(source(), "tensor " + FormatException.quote(e.name()) + " has " + n
                    + " elements, more than a Java array holds");
        }
        return (int) n;
    }

    @Override
    public void close() {
        bytes.close();
    }
}
