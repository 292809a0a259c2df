package dev.recur.bench.gemm;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class OpenBlasTest {
    @Test
    void aMissingLibraryIsOneClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OpenBlas(Path.of("/nonexistent/libopenblas.so.0")));
        assertTrue(e.getMessage().contains("/nonexistent/libopenblas.so.0"), e.getMessage());
    }

    /**
     * The binding's argument order, checked against a plain loop: the benchmark must time the same
     * product on both sides. Runs where the peer is installed (the benchmark scripts install it; CI's
     * test path does not).
     */
    @Test
    void sgemmAndSgemvComputeTheSameProductAsALoop() {
        assumeTrue(Files.isReadable(OpenBlas.DEFAULT_LIBRARY), "OpenBLAS (libopenblas0-pthread) is not installed");
        GemmShape s = new GemmShape(3, 5, 7);
        GemmShape.Operands ops = s.operands();
        try (OpenBlas blas = new OpenBlas(OpenBlas.DEFAULT_LIBRARY)) {
            MemorySegment a = blas.copy(ops.a()), b = blas.copy(ops.b()), c = blas.copy(new float[s.m() * s.n()]);
            blas.sgemm(s.m(), s.n(), s.k(), a, b, c);
            for (int i = 0; i < s.m(); i++) {
                for (int j = 0; j < s.n(); j++) {
                    assertEquals(dot(ops, s, i, j), c.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * s.n() + j), 1e-5f, "sgemm C[" + i + "][" + j + "]");
                }
            }
            MemorySegment y = blas.copy(new float[s.n()]);
            blas.sgemv(s.n(), s.k(), a, b, y); // A's first row times B
            for (int j = 0; j < s.n(); j++) {
                assertEquals(dot(ops, s, 0, j), y.getAtIndex(ValueLayout.JAVA_FLOAT, j), 1e-5f, "sgemv y[" + j + "]");
            }
            assertTrue(blas.config().startsWith("OpenBLAS"), blas.config());
        }
    }

    private static float dot(GemmShape.Operands ops, GemmShape s, int i, int j) {
        double sum = 0;
        for (int p = 0; p < s.k(); p++) sum += (double) ops.a()[i * s.k() + p] * ops.b()[p * s.n() + j];
        return (float) sum;
    }
}
