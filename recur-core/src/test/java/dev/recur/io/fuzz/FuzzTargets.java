package dev.recur.io.fuzz;

import dev.recur.io.Checkpoint;
import dev.recur.io.DType;
import dev.recur.io.FormatException;
import dev.recur.io.ModelFile;
import dev.recur.io.json.Json;
import dev.recur.io.npy.Npy;
import dev.recur.io.npy.NpyArray;
import dev.recur.io.safetensors.Safetensors;
import dev.recur.io.safetensors.SafetensorsFile;
import dev.recur.io.safetensors.TensorEntry;
import dev.recur.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What each fuzz target does with an input: parse it, and if that succeeds, check that what was
 * parsed is consistent (sizes add up, values decode, writing it back and reading again gives the
 * same content). An inconsistency is an {@link AssertionError}; a {@link FormatException} from the
 * re-write of an accepted input is one too, since a file that reads must write.
 */
final class FuzzTargets {
    private FuzzTargets() {}

    static void safetensors(byte[] input, String source) {
        Map<String, Tensor> floats = new LinkedHashMap<>();
        Map<String, String> metadata;
        boolean allF32 = true;
        try (SafetensorsFile f = Safetensors.open(input, source)) {
            long n = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            long covered = 0;
            for (String name : f.names()) {
                TensorEntry e = f.entry(name);
                check(e.byteLength() == e.numel() * e.dtype().byteSize(), "byte range disagrees with shape: " + e);
                covered += e.byteLength();
                if (e.dtype().isFloating()) {
                    Tensor t = f.tensor(name);
                    check(t.numel() == e.numel() && Arrays.equals(t.shape(), e.shape()), "decoded tensor disagrees with " + e);
                    floats.put(name, t);
                } else {
                    longsOrU64Error(f, e);
                }
                allF32 &= e.dtype() == DType.F32;
            }
            check(covered == input.length - 8 - n, "tensors cover " + covered + " of " + (input.length - 8 - n) + " data bytes");
            metadata = f.metadata();
        }
        if (!allF32) return;
        byte[] again = rewrite(() -> Safetensors.toBytes(floats, metadata));
        try (SafetensorsFile g = Safetensors.open(again, "rewritten")) {
            check(g.metadata().equals(metadata), "metadata changed on rewrite");
            check(g.names().size() == floats.size(), "tensor count changed on rewrite");
            for (String name : floats.keySet()) sameTensor(floats.get(name), g.tensor(name), name);
        }
    }

    private static void longsOrU64Error(SafetensorsFile f, TensorEntry e) {
        try {
            check(f.longs(e.name()).length == e.numel(), "decoded integers disagree with " + e);
        } catch (FormatException tooBig) {
            check(e.dtype() == DType.U64, "integer decoding failed for " + e + ": " + tooBig.getMessage());
        }
    }

    static void npy(byte[] input, String source) {
        NpyArray a = Npy.load(input, source);
        long numel = 1;
        for (int d : a.shape()) numel *= d;
        check(a.numel() == numel, "numel " + a.numel() + " disagrees with shape " + Arrays.toString(a.shape()));
        if (!a.dtype().isFloating()) {
            check(a.longs().length == numel, "integer count");
            return;
        }
        Tensor t = a.toTensor();
        byte[] again = rewrite(() -> Npy.toBytes(t));
        sameTensor(t, Npy.read(again, "rewritten"), "array");
    }

    static void modelFile(byte[] input, String source) {
        ModelFile m = ModelFile.read(input, source);
        ModelFile back = ModelFile.read(rewrite(m::toBytes), "rewritten");
        check(back.config().equals(m.config()), "config changed on rewrite");
        sameTensors(m.weights(), back.weights());
    }

    static void checkpoint(byte[] input, String source) {
        Checkpoint c = Checkpoint.read(input, source);
        Checkpoint back = Checkpoint.read(rewrite(c::toBytes), "rewritten");
        check(back.modelConfig().equals(c.modelConfig()), "config changed on rewrite");
        check(back.optimizer().scalars().equals(c.optimizer().scalars()), "optimizer scalars changed on rewrite");
        sameTensors(c.model(), back.model());
        sameTensors(c.optimizer().tensors(), back.optimizer().tensors());
        check(back.training().step() == c.training().step() && back.training().epoch() == c.training().epoch()
                && back.training().dataPosition() == c.training().dataPosition(), "training counters changed");
        check(back.training().extra().equals(c.training().extra()), "extra training state changed");
        for (String k : c.training().rngStates().keySet()) {
            check(Arrays.equals(c.training().rngState(k), back.training().rngState(k)), "RNG state " + k + " changed");
        }
    }

    static void json(byte[] input, String source) {
        Object v = Json.parse(input, source);
        check(Objects.equals(Json.parse(Json.write(v), "rewritten"), v), "compact JSON does not round-trip");
        check(Objects.equals(Json.parse(Json.writePretty(v), "rewritten"), v), "pretty JSON does not round-trip");
    }

    private interface Writer {
        byte[] write();
    }

    private static byte[] rewrite(Writer w) {
        try {
            return w.write();
        } catch (FormatException e) {
            throw new AssertionError("an accepted input could not be written back: " + e.getMessage(), e);
        }
    }

    private static void sameTensors(Map<String, Tensor> a, Map<String, Tensor> b) {
        check(a.keySet().equals(b.keySet()), "tensor names changed on rewrite");
        for (String k : a.keySet()) sameTensor(a.get(k), b.get(k), k);
    }

    private static void sameTensor(Tensor a, Tensor b, String what) {
        check(Arrays.equals(a.shape(), b.shape()), what + ": shape changed on rewrite");
        float[] x = a.toArray(), y = b.toArray();
        for (int i = 0; i < x.length; i++) {
            check(Float.floatToRawIntBits(x[i]) == Float.floatToRawIntBits(y[i]), what + ": element " + i + " changed on rewrite");
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }
}
