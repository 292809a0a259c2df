package dev.recur.io.fuzz;

import dev.recur.random.Rng;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Deterministic, seeded mutations of valid files: bit flips, interesting bytes, insertions,
 * deletions, truncations, duplicated ranges, splices of two inputs, little-endian integers set to
 * boundary values, and, on the text header of a {@link Codec}-split file, edits of the numbers in
 * it, inserted syntax tokens and duplicated chunks, followed by a length field that agrees.
 */
public final class Mutator {
    /** Inputs never grow past this: the parsers' cost is in the header, not the size. */
    private static final int MAX_INPUT = 1 << 18;
    private static final int MAX_CORPUS = 512;

    private static final long[] INTERESTING = {0, 1, 2, 3, 4, 7, 8, 16, 255, 256, 65535, 65536, 0x7fffffffL, 0x80000000L,
            0xffffffffL, 0x100000000L, 1L << 53, (1L << 53) + 1, Long.MAX_VALUE, Long.MIN_VALUE, -1, -2, 100_000_000L, 100_000_001L};
    private static final String[] NUMBERS = {"0", "1", "-1", "2", "8", "-0", "00", "01", "1.5", "1.0", "1e3", "1e999", "-1e999",
            "2147483647", "2147483648", "4294967296", "9007199254740993", "9223372036854775807", "9223372036854775808",
            "18446744073709551615", "18446744073709551616", "100000000000000000000000000000", "65535", "65536"};
    private static final String[] TOKENS = {"\"", "{", "}", "[", "]", ",", ":", "-", "\\", "\\u", "\\ud800", "\\u0000", "null", "true",
            "false", "\"__metadata__\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"F16\"", "\"BF16\"", "\"U64\"", "\"I8\"",
            "\"BOOL\"", "\"F8_E4M3\"", "\"F64\"", "[]", "{}", "'", "(", ")", ",)", "True", "False", "L", "'<f8'", "'|u1'", "'>f4'",
            "'descr'", "'shape'", "'fortran_order'", "\"format\"", "\"version\"", "\"config\"", "\"training\"", "\"optimizer\"",
            "\"recur-model\"", "\"recur-checkpoint\"", "\"model.x\"", "\"optim.x\"", "\"rng\"", "\"8000000000000000\"", " ", "\n", "\t"};
    private static final byte[] BYTES = {0, (byte) 0xff, (byte) 0x7f, (byte) 0x80, (byte) 0xc3, (byte) 0xe2, (byte) 0xf0,
            (byte) 0xed, '{', '}', '"', ':', ',', '[', ']', '0', '9', '-', '\'', '(', ')', ' ', '\n', '\\'};

    private final Rng rng;
    private final Codec codec;
    private final List<byte[]> corpus;

    public Mutator(long seed, List<byte[]> seeds, Codec codec) {
        if (seeds.isEmpty()) throw new IllegalArgumentException("no seed inputs");
        this.rng = new Rng(seed);
        this.codec = codec;
        this.corpus = new ArrayList<>(seeds);
    }

    /** Keeps an input that parsed, so later mutations start from unusual but valid files too. */
    public void addToCorpus(byte[] accepted) {
        if (corpus.size() < MAX_CORPUS) corpus.add(accepted);
        else corpus.set(rng.nextInt(MAX_CORPUS), accepted);
    }

    public byte[] next() {
        byte[] in = pick();
        int rawOps;
        Codec.Parts parts = codec != null && rng.nextInt(10) < 6 ? codec.split(in) : null;
        if (parts != null) {
            byte[] text = parts.text();
            byte[] data = parts.data();
            int ops = 1 + rng.nextInt(3);
            for (int i = 0; i < ops; i++) {
                if (rng.nextInt(5) == 0) data = mutateData(data);
                else text = mutateText(text);
            }
            in = codec.join(new Codec.Parts(parts.prefix(), text, data));
            rawOps = rng.nextInt(4) == 0 ? 1 : 0;
        } else {
            rawOps = 1 + rng.nextInt(4);
        }
        for (int i = 0; i < rawOps; i++) in = mutateRaw(in);
        return in.length > MAX_INPUT ? Arrays.copyOf(in, MAX_INPUT) : in;
    }

    private byte[] pick() {
        return corpus.get(rng.nextInt(corpus.size()));
    }

    private byte[] mutateRaw(byte[] b) {
        switch (rng.nextInt(9)) {
            case 0 -> {
                if (b.length == 0) return b;
                byte[] c = b.clone();
                int flips = 1 + rng.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int p = position(c.length);
                    c[p] ^= (byte) (1 << rng.nextInt(8));
                }
                return c;
            }
            case 1 -> {
                if (b.length == 0) return b;
                byte[] c = b.clone();
                c[position(c.length)] = BYTES[rng.nextInt(BYTES.length)];
                return c;
            }
            case 2 -> {
                byte[] ins = new byte[1 + rng.nextInt(16)];
                for (int i = 0; i < ins.length; i++) ins[i] = (byte) rng.nextInt(256);
                return insert(b, rng.nextInt(b.length + 1), ins);
            }
            case 3 -> {
                if (b.length == 0) return b;
                int p = rng.nextInt(b.length);
                int n = 1 + rng.nextInt(Math.min(64, b.length - p));
                return delete(b, p, n);
            }
            case 4 -> {
                return Arrays.copyOf(b, rng.nextInt(b.length + 1));
            }
            case 5 -> {
                if (b.length == 0) return b;
                int p = rng.nextInt(b.length);
                int n = 1 + rng.nextInt(Math.min(256, b.length - p));
                return insert(b, rng.nextInt(b.length + 1), Arrays.copyOfRange(b, p, p + n));
            }
            case 6 -> {
                byte[] other = pick();
                int a = rng.nextInt(b.length + 1);
                int o = rng.nextInt(other.length + 1);
                byte[] c = Arrays.copyOf(b, a + other.length - o);
                System.arraycopy(other, o, c, a, other.length - o);
                return c;
            }
            case 7 -> {
                int width = 1 << (1 + rng.nextInt(3)); // 2, 4 or 8 bytes
                if (b.length < width) return b;
                int p = rng.nextInt(3) == 0 ? 0 : rng.nextInt(3) == 0 ? Math.min(8, b.length - width) : rng.nextInt(b.length - width + 1);
                long v = INTERESTING[rng.nextInt(INTERESTING.length)];
                if (rng.nextBoolean()) v += rng.nextInt(17) - 8;
                byte[] c = b.clone();
                ByteBuffer bb = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
                switch (width) {
                    case 2 -> bb.putShort(p, (short) v);
                    case 4 -> bb.putInt(p, (int) v);
                    default -> bb.putLong(p, v);
                }
                return c;
            }
            default -> {
                return mutateText(b);
            }
        }
    }

    private byte[] mutateText(byte[] t) {
        switch (rng.nextInt(5)) {
            case 0, 1 -> {
                int[] run = digitRun(t);
                if (run == null) return insert(t, rng.nextInt(t.length + 1), ascii(NUMBERS[rng.nextInt(NUMBERS.length)]));
                String replacement = rng.nextInt(3) == 0
                        ? Long.toString(Long.parseLong(new String(t, run[0], Math.min(run[1], 18), StandardCharsets.US_ASCII))
                                + rng.nextInt(9) - 4)
                        : NUMBERS[rng.nextInt(NUMBERS.length)];
                return replace(t, run[0], run[1], ascii(replacement));
            }
            case 2 -> {
                return insert(t, rng.nextInt(t.length + 1), ascii(TOKENS[rng.nextInt(TOKENS.length)]));
            }
            case 3 -> {
                if (t.length == 0) return t;
                int p = rng.nextInt(t.length);
                int n = 1 + rng.nextInt(Math.min(96, t.length - p));
                return rng.nextBoolean() ? insert(t, rng.nextInt(t.length + 1), Arrays.copyOfRange(t, p, p + n)) : delete(t, p, n);
            }
            default -> {
                return mutateRaw(t);
            }
        }
    }

    private byte[] mutateData(byte[] d) {
        if (rng.nextBoolean()) return Arrays.copyOf(d, Math.max(0, d.length + rng.nextInt(17) - 8));
        return d.length == 0 ? d : mutateRaw(d);
    }

    /** A random run of ASCII digits in {@code t}: {start, length}, or null. */
    private int[] digitRun(byte[] t) {
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < t.length; i++) {
            if (t[i] >= '0' && t[i] <= '9') {
                int s = i;
                while (i < t.length && t[i] >= '0' && t[i] <= '9') i++;
                runs.add(new int[] {s, i - s});
            }
        }
        return runs.isEmpty() ? null : runs.get(rng.nextInt(runs.size()));
    }

    /** Biased to the start of the file, where the headers are. */
    private int position(int length) {
        return rng.nextBoolean() ? rng.nextInt(Math.min(length, 64)) : rng.nextInt(length);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] insert(byte[] b, int at, byte[] ins) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + ins.length);
        out.write(b, 0, at);
        out.writeBytes(ins);
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }

    private static byte[] delete(byte[] b, int at, int n) {
        byte[] c = new byte[b.length - n];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + n, c, at, b.length - at - n);
        return c;
    }

    private static byte[] replace(byte[] b, int at, int n, byte[] with) {
        return insert(delete(b, at, n), at, with);
    }
}
