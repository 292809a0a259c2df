package dev.recur.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

/**
 * Reductions give the same bits before and after C2 compiles them: the interpreter and the
 * compiler must not order a vector's lane sum differently (reduceLanes(ADD) does), or a run
 * resumed in a fresh JVM would not reproduce one run straight through.
 */
class LaneSumsTest {
    @Test
    void sumsAreTheSameInterpretedAndCompiled() {
        Rng rng = new Rng(3);
        float[] x = new float[1000], y = new float[1000];
        rng.fillNormal(x, 0, x.length, 0f, 1f);
        rng.fillNormal(y, 0, y.length, 1e3f, 1e3f); // wide magnitudes: any reordering shows in the last bits
        // first calls: this class and the kernels run in the interpreter
        double s0 = VectorSums.sum(y, 0, 997), d0 = VectorSums.dot(x, 3, y, 1, 995), v0 = VectorSums.sumSquaredDeviations(y, 0, 999, 0.5f);
        float r0 = new VectorReductions().sum(y, 0, 997);
        double s = 0, d = 0, v = 0;
        float r = 0;
        for (int i = 0; i < 40_000; i++) { // enough calls for C2 to compile the loops
            s = VectorSums.sum(y, 0, 997);
            d = VectorSums.dot(x, 3, y, 1, 995);
            v = VectorSums.sumSquaredDeviations(y, 0, 999, 0.5f);
            r = new VectorReductions().sum(y, 0, 997);
        }
        assertEquals(Double.doubleToRawLongBits(s0), Double.doubleToRawLongBits(s), "sum");
        assertEquals(Double.doubleToRawLongBits(d0), Double.doubleToRawLongBits(d), "dot");
        assertEquals(Double.doubleToRawLongBits(v0), Double.doubleToRawLongBits(v), "sum of squared deviations");
        assertEquals(Float.floatToRawIntBits(r0), Float.floatToRawIntBits(r), "reductions sum");
    }
}
