package dev.recur.io.npy;

import dev.recur.io.DType;
import dev.recur.io.FormatException;
import dev.recur.io.IoFixtures;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.recur.io.IoFixtures.assertMessage;
import static dev.recur.io.IoFixtures.bytes;
import static dev.recur.io.IoFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void rewritesNumpyFilesByteForByte() throws Exception {
        List<String> files = new java.util.ArrayList<>(List.of("fixtures/f4_scalar.npy", "fixtures/f4_vector.npy",
                "fixtures/f4_3d.npy", "fixtures/f4_empty_billion.npy"));
        for (String c : IoFixtures.TORCH_CASES) files.addAll(List.of("torch/" + c + "/x.npy", "torch/" + c + "/y.npy"));
        for (String f : files) {
            Path p = resource(f);
            byte[] original = bytes(p);
            Tensor t = Npy.read(p);
            assertArrayEquals(original, Npy.toBytes(t), f);
            Path out = dir.resolve("out.npy");
            Npy.write(out, t);
            assertArrayEquals(original, Files.readAllBytes(out), f + " via a file");
            checkAgainstRawDecode(original, t);
        }
    }

    /** The data is the last numel * 4 bytes, little-endian floats. */
    private static void checkAgainstRawDecode(byte[] file, Tensor t) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = t.toArray();
        int start = file.length - 4 * v.length;
        for (int i = 0; i < v.length; i++) assertEquals(b.getFloat(start + 4 * i), v[i]);
    }

    @Test
    void readsShapes() {
        assertArrayEquals(new int[0], Npy.read(resource("fixtures/f4_scalar.npy")).shape());
        assertEquals(-1.25f, Npy.read(resource("fixtures/f4_scalar.npy")).item());
        assertArrayEquals(new int[] {5}, Npy.read(resource("fixtures/f4_vector.npy")).shape());
        assertArrayEquals(new int[] {2, 3, 4}, Npy.read(resource("fixtures/f4_3d.npy")).shape());
        assertArrayEquals(new int[] {1_000_000_000, 0}, Npy.load(resource("fixtures/f4_empty_billion.npy")).shape());
        assertArrayEquals(new int[] {7, 3, 5}, Npy.read(resource("torch/lstm_1layer/x.npy")).shape());
    }

    @Test
    void readsEveryType() {
        NpyArray f8 = Npy.load(resource("fixtures/f8.npy"));
        assertEquals(DType.F64, f8.dtype());
        assertArrayEquals(new float[] {1.5f, -2.25f, (float) 1e-40, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, -0f}, f8.floats());
        assertArrayEquals(new int[] {2, 3}, f8.shape());
        assertArrayEquals(new float[] {1f, -0.5f, 65504f}, Npy.read(resource("fixtures/f2.npy")).toArray());
        assertArrayEquals(new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0}, Npy.readLongs(resource("fixtures/i4.npy")));
        assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 5}, Npy.readLongs(resource("fixtures/i8.npy")));
        assertArrayEquals(new long[] {0, 255, 9}, Npy.readLongs(resource("fixtures/u1.npy")));
        assertArrayEquals(new long[] {-128, 127}, Npy.readLongs(resource("fixtures/i1.npy")));
        assertArrayEquals(new long[] {1, 0}, Npy.readLongs(resource("fixtures/b1.npy")));
        assertArrayEquals(new float[] {0, 1, 2, 3}, Npy.read(resource("fixtures/v2.npy")).toArray());
        assertArrayEquals(new long[] {0, 1, 2}, Npy.readLongs(resource("fixtures/v3.npy")));
        Tensor fromStream = Npy.read(new ByteArrayInputStream(bytes(resource("fixtures/f4_3d.npy"))), "x.npy");
        assertArrayEquals(Npy.read(resource("fixtures/f4_3d.npy")).toArray(), fromStream.toArray());
    }

    @Test
    void writesIntegersAsNumpyDoes() throws Exception {
        Path i4 = resource("fixtures/i4.npy");
        long[] v = Npy.readLongs(i4);
        int[] ints = Arrays.stream(v).mapToInt(x -> (int) x).toArray();
        Path out = dir.resolve("i4.npy");
        Npy.writeInts(out, ints, Npy.load(i4).shape());
        assertArrayEquals(bytes(i4), Files.readAllBytes(out));
        Path i8 = resource("fixtures/i8.npy");
        Npy.writeLongs(out, Npy.readLongs(i8), 3);
        assertArrayEquals(bytes(i8), Files.readAllBytes(out));
        assertThrows(ShapeException.class, () -> Npy.writeLongs(out, new long[3], 2, 2));
    }

    @Test
    void typeMismatchesNameTheFile() {
        Path i8 = resource("fixtures/i8.npy");
        assertMessage(assertThrows(FormatException.class, () -> Npy.read(i8)), i8.toString(), "I64 integers, expected floating-point");
        Path f8 = resource("fixtures/f8.npy");
        assertMessage(assertThrows(FormatException.class, () -> Npy.readLongs(f8)), f8.toString(),
                "F64 floating-point values, expected integers");
    }

    @Test
    void rejectsWhatNumpyWroteButRecurDoesNotRead() {
        Path fortran = resource("fixtures/fortran.npy");
        assertMessage(assertThrows(FormatException.class, () -> Npy.read(fortran)), fortran.toString(), "Fortran-order",
                "np.ascontiguousarray");
        Path big = resource("fixtures/big_endian.npy");
        assertMessage(assertThrows(FormatException.class, () -> Npy.read(big)), big.toString(), "big-endian data ('>f4') is not supported");
        Path wide = resource("fixtures/f4_empty_wide.npy");
        assertMessage(assertThrows(FormatException.class, () -> Npy.load(wide)), wide.toString(),
                "dimension 1000000000000 exceeds 2147483647");
        Path longDim = resource("fixtures/f4_empty_long.npy");
        assertMessage(assertThrows(FormatException.class, () -> Npy.load(longDim)), longDim.toString(), "dimension 1000000000000 exceeds");
    }

    @Test
    void writeRefusesMoreDimensionsThanNumpyReads() {
        int[] shape = new int[65];
        Arrays.fill(shape, 1);
        assertThrows(ShapeException.class, () -> Npy.toBytes(Tensor.zeros(shape)));
    }
}
