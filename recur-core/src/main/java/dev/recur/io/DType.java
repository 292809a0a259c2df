package dev.recur.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Element types of stored tensors, little-endian, and how to decode them. The names and the
 * declaration order are safetensors' (the official writer orders tensors by this order, largest
 * first); npy's type strings map onto the same set. Floating types decode to float32, integer
 * and boolean types to long.
 */
public enum DType {
    BOOL(1, false),
    U8(1, false),
    I8(1, false),
    F8_E5M2(1, true),
    F8_E4M3(1, true),
    I16(2, false),
    U16(2, false),
    F16(2, true),
    BF16(2, true),
    I32(4, false),
    U32(4, false),
    F32(4, true),
    F64(8, true),
    I64(8, false),
    U64(8, false);

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    public int byteSize() {
        return byteSize;
    }

    /** Floating point (decodes to float32); otherwise integer or boolean (decodes to long). */
    public boolean isFloating() {
        return floating;
    }

    /** The type with this safetensors name, or null. */
    public static DType fromSafetensorsName(String name) {
        for (DType t : values()) if (t.name().equals(name)) return t;
        return null;
    }

    /**
     * Decodes {@code n} elements starting at byte {@code offset} into {@code dst} as float32
     * (float64 rounds to nearest). Only for floating types.
     */
    public void decodeFloats(MemorySegment src, long offset, float[] dst, int n) {
        switch (this) {
            case F32 -> MemorySegment.copy(src, FLOAT, offset, dst, 0, n);
            case F64 -> {
                for (int i = 0; i < n; i++) dst[i] = (float) src.get(DOUBLE, offset + 8L * i);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) dst[i] = Float.float16ToFloat(src.get(SHORT, offset + 2L * i));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) dst[i] = Float.intBitsToFloat((src.get(SHORT, offset + 2L * i) & 0xffff) << 16);
            }
            case F8_E5M2 -> {
                // E5M2 is the upper byte of an IEEE half: same exponent width and bias.
                for (int i = 0; i < n; i++) dst[i] = Float.float16ToFloat((short) (src.get(ValueLayout.JAVA_BYTE, offset + i) << 8));
            }
            case F8_E4M3 -> {
                for (int i = 0; i < n; i++) dst[i] = e4m3ToFloat(src.get(ValueLayout.JAVA_BYTE, offset + i));
            }
            default -> throw new IllegalStateException(this + " is not a floating type");
        }
    }

    /**
     * Decodes {@code n} elements starting at byte {@code offset} into {@code dst} as long. Only for
     * integer and boolean types. Returns the index of the first U64 value that does not fit in a
     * long (at least 2^63), or -1 when all fit.
     */
    public int decodeLongs(MemorySegment src, long offset, long[] dst, int n) {
        switch (this) {
            case BOOL -> {
                for (int i = 0; i < n; i++) dst[i] = src.get(ValueLayout.JAVA_BYTE, offset + i) != 0 ? 1 : 0;
            }
            case U8 -> {
                for (int i = 0; i < n; i++) dst[i] = src.get(ValueLayout.JAVA_BYTE, offset + i) & 0xffL;
            }
            case I8 -> {
                for (int i = 0; i < n; i++) dst[i] = src.get(ValueLayout.JAVA_BYTE, offset + i);
            }
            case I16 -> {
                for (int i = 0; i < n; i++) dst[i] = src.get(SHORT, offset + 2L * i);
            }
            case U16 -> {
                for (int i = 0; i < n; i++) dst[i] = src.get(SHORT, offset + 2L * i) & 0xffffL;
            }
            case I32 -> {
                for (int i = 0; i < n; i++) dst[i] = src.get(INT, offset + 4L * i);
            }
            case U32 -> {
                for (int i = 0; i < n; i++) dst[i] = src.get(INT, offset + 4L * i) & 0xffffffffL;
            }
            case I64 -> MemorySegment.copy(src, LONG, offset, dst, 0, n);
            case U64 -> {
                MemorySegment.copy(src, LONG, offset, dst, 0, n);
                for (int i = 0; i < n; i++) if (dst[i] < 0) return i;
            }
            default -> throw new IllegalStateException(this + " is not an integer type");
        }
        return -1;
    }

    /** OCP FP8 E4M3 ("fn"): bias 7, no infinities, S.1111.111 is NaN. */
    static float e4m3ToFloat(byte b) {
        int sign = (b & 0x80) != 0 ? -1 : 1;
        int exp = (b >> 3) & 0xf;
        int man = b & 0x7;
        if (exp == 0xf && man == 0x7) return Float.NaN;
        float magnitude = exp == 0 ? man * 0x1p-9f : (8 + man) * Math.scalb(1f, exp - 10);
        return sign * magnitude;
    }
}
