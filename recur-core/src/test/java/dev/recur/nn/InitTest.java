package dev.recur.nn;

import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitTest {
    private static double[] meanAndStd(Tensor t) {
        double s = 0, ss = 0;
        float[] v = t.toArray();
        for (float x : v) s += x;
        double mean = s / v.length;
        for (float x : v) ss += (x - mean) * (x - mean);
        return new double[] {mean, Math.sqrt(ss / v.length)};
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float x : t.toArray()) m = Math.max(m, Math.abs(x));
        return m;
    }

    @Test
    void fansAndGainsFollowPyTorch() {
        assertEquals(20, Init.fanIn(new int[] {30, 20}));
        assertEquals(30, Init.fanOut(new int[] {30, 20}));
        assertEquals(4 * 3 * 5, Init.fanIn(new int[] {8, 4, 3, 5}));
        assertEquals(8 * 15, Init.fanOut(new int[] {8, 4, 3, 5}));
        assertThrows(ShapeException.class, () -> Init.fanIn(new int[] {5}));
        assertEquals(5.0 / 3, Init.gain(Init.Nonlinearity.TANH, 0), 1e-15);
        assertEquals(Math.sqrt(2), Init.gain(Init.Nonlinearity.RELU, 0), 1e-15);
        assertEquals(Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.gain(Init.Nonlinearity.LEAKY_RELU, 0.01), 1e-15);
        assertEquals(0.75, Init.gain(Init.Nonlinearity.SELU, 0));
    }

    @Test
    void distributionsHaveTheirStatedScale() {
        Rng rng = new Rng(1);
        int out = 200, in = 300;
        double xa = Math.sqrt(6.0 / (in + out));
        Tensor t = Init.xavierUniform(Tensor.zeros(out, in), 1, rng);
        assertTrue(maxAbs(t) <= xa);
        assertEquals(xa / Math.sqrt(3), meanAndStd(t)[1], 0.01 * xa);
        t = Init.xavierNormal(Tensor.zeros(out, in), 2, rng);
        assertEquals(2 * Math.sqrt(2.0 / (in + out)), meanAndStd(t)[1], 0.02 * 2 * Math.sqrt(2.0 / (in + out)));
        double kb = Math.sqrt(2) * Math.sqrt(3.0 / in);
        t = Init.kaimingUniform(Tensor.zeros(out, in), Math.sqrt(2), Init.Fan.IN, rng);
        assertTrue(maxAbs(t) <= kb);
        assertEquals(kb / Math.sqrt(3), meanAndStd(t)[1], 0.01 * kb);
        t = Init.kaimingNormal(Tensor.zeros(out, in), 1, Init.Fan.OUT, rng);
        assertEquals(1 / Math.sqrt(out), meanAndStd(t)[1], 0.02 / Math.sqrt(out));
        t = Init.normal(Tensor.zeros(out, in), 3, 0.5, rng);
        assertEquals(3, meanAndStd(t)[0], 0.01);
        // a strided target is filled through its view
        Tensor base = Tensor.zeros(4, 6);
        Init.uniform(base.narrow(1, 2, 3), 1, 2, rng);
        for (int r = 0; r < 4; r++) {
            assertEquals(0f, base.get(r, 0));
            assertTrue(base.get(r, 2) >= 1 && base.get(r, 4) < 2);
            assertEquals(0f, base.get(r, 5));
        }
    }

    @Test
    void orthogonalGivesOrthonormalRowsOrColumns() {
        for (int[] shape : new int[][] {{7, 4}, {4, 7}, {5, 5}, {3, 2, 4}}) {
            Tensor q = Init.orthogonal(Tensor.zeros(shape), 1.5, new Rng(2));
            int rows = shape[0], cols = q.numel() / rows;
            float[] v = q.toArray();
            boolean wide = rows < cols;
            int m = wide ? rows : cols, n = wide ? cols : rows;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    double dot = 0;
                    for (int k = 0; k < n; k++) {
                        dot += wide ? (double) v[i * cols + k] * v[j * cols + k] : (double) v[k * cols + i] * v[k * cols + j];
                    }
                    assertEquals(i == j ? 2.25 : 0, dot, 1e-5, "shape " + java.util.Arrays.toString(shape));
                }
            }
        }
        assertThrows(ShapeException.class, () -> Init.orthogonal(Tensor.zeros(3), 1, new Rng(1)));
    }
}
