package dev.recur.kernel;

import dev.recur.kernel.ActivationAccuracy.Function;
import dev.recur.kernel.ActivationAccuracy.Stats;
import dev.recur.random.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stated accuracy of the vector activations (docs/DESIGN.md, "Kernel accuracy"), asserted on a
 * dense sample: every 16411th float bit pattern (262k inputs over the whole float range), 2^13
 * consecutive floats on each side of every range boundary and formula switch, and 2^18 uniform
 * inputs in [-20, 20]. recur-bench's ActivationAccuracySweep checks all 2^32 floats against the same bounds.
 */
class ActivationAccuracyTest {
    private static final Activations VECTOR = Backends.vector().activations();
    private static final float[] EDGES = {
        0f, 0x1p-13f, 0.625f, 1f, 5f, 13.146247f, 14.356068f, 17f, 20f, 87f, 87.33654f, 88.72284f,
        91.85678f, 103.97208f, 108.6603f, 128f, 150f,
    };

    @ParameterizedTest
    @EnumSource(Function.class)
    void withinTheStatedBounds(Function f) {
        Stats[] stats = ActivationAccuracy.newStats(f);
        Sampler s = new Sampler(f, stats);
        for (long bits = 0; bits < (1L << 32); bits += 16411) s.add(Float.intBitsToFloat((int) bits));
        for (float edge : EDGES) {
            for (float e : new float[] {edge, -edge}) {
                int b = Float.floatToRawIntBits(e);
                for (int d = -(1 << 13); d < (1 << 13); d++) s.add(Float.intBitsToFloat(b + d));
            }
        }
        Rng rng = new Rng(7);
        for (int i = 0; i < (1 << 18); i++) s.add(rng.nextFloat() * 40 - 20);
        s.flush();
        List<String> names = f.rangeNames();
        double[] bounds = f.maxUlps();
        for (int i = 0; i < stats.length; i++) {
            Stats st = stats[i];
            String row = f + " " + names.get(i) + " " + ActivationAccuracy.table(f, stats);
            assertEquals(0, st.violations, row);
            assertTrue(st.maxUlp <= bounds[i], row);
            assertTrue(st.count > 0 || i == stats.length - 1, "no samples in " + row);
        }
    }

    /** Batches inputs through the kernel. */
    private static final class Sampler {
        private final Function f;
        private final Stats[] stats;
        private final float[] x = new float[4096], y = new float[4096];
        private int n;

        Sampler(Function f, Stats[] stats) {
            this.f = f;
            this.stats = stats;
        }

        void add(float v) {
            x[n++] = v;
            if (n == x.length) flush();
        }

        void flush() {
            ActivationAccuracy.measure(f, VECTOR, x, n, y, stats);
            n = 0;
        }
    }
}
