package dev.recur.io.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** {@link Codec}s for safetensors (also Recur's model files and checkpoints) and npy. */
public final class Codecs {
    private Codecs() {}

    /** 8-byte little-endian header length, JSON header, data. */
    public static final Codec SAFETENSORS = new Codec() {
        @Override
        public Parts split(byte[] f) {
            if (f.length < 8) return null;
            long n = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (n < 0 || n > f.length - 8) return null;
            return new Parts(new byte[0], Arrays.copyOfRange(f, 8, 8 + (int) n), Arrays.copyOfRange(f, 8 + (int) n, f.length));
        }

        @Override
        public byte[] join(Parts p) {
            return ByteBuffer.allocate(8 + p.text().length + p.data().length).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(p.text().length).put(p.text()).put(p.data()).array();
        }
    };

    /** Magic and version (8 bytes), a 2-byte (1.0) or 4-byte (2.0, 3.0) length, the dict, data. */
    public static final Codec NPY = new Codec() {
        @Override
        public Parts split(byte[] f) {
            if (f.length < 12) return null;
            ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
            int lengthBytes = f[6] == 1 ? 2 : 4;
            long n = lengthBytes == 2 ? b.getShort(8) & 0xffff : b.getInt(8) & 0xffffffffL;
            int start = 8 + lengthBytes;
            if (n > f.length - start) return null;
            return new Parts(Arrays.copyOf(f, 8), Arrays.copyOfRange(f, start, start + (int) n),
                    Arrays.copyOfRange(f, start + (int) n, f.length));
        }

        @Override
        public byte[] join(Parts p) {
            boolean v1 = p.prefix().length > 6 && p.prefix()[6] == 1;
            ByteBuffer b = ByteBuffer.allocate(p.prefix().length + (v1 ? 2 : 4) + p.text().length + p.data().length)
                    .order(ByteOrder.LITTLE_ENDIAN).put(p.prefix());
            if (v1) b.putShort((short) p.text().length);
            else b.putInt(p.text().length);
            return b.put(p.text()).put(p.data()).array();
        }
    };
}
