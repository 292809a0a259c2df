package dev.recur.attention;

import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The rotary embedding's table of angles gives the same bits as computing each angle on the call. */
class RopeTest {
    /** The definition: angle p * base^(-2i/d) in double, the half-split pairs rotated. */
    private static void rotateDirect(float[] x, int off, long p, boolean inverse, int d, double base) {
        int half = d / 2;
        for (int i = 0; i < half; i++) {
            double angle = p * Math.pow(base, -2.0 * i / d);
            double c = Math.cos(angle), s = inverse ? -Math.sin(angle) : Math.sin(angle);
            double a = x[off + i], b = x[off + half + i];
            x[off + i] = (float) (a * c - b * s);
            x[off + half + i] = (float) (b * c + a * s);
        }
    }

    @Test
    void tableMatchesDirectComputationBitForBit() {
        int d = 64;
        Rope rope = new Rope(d, 10000);
        Rng rng = new Rng(3);
        int limit = Rope.TABLE_DOUBLES / d;
        // out of order, so that the table grows by a large step first and is then read below its end;
        // past the limit the angles are computed on the call
        long[] positions = {200, 0, 1, 63, 64, 65, 127, 5000, limit - 1, limit, limit + 7, 1_000_003};
        for (long p : positions) {
            for (boolean inverse : new boolean[] {false, true}) {
                float[] x = new float[d + 3];
                for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
                float[] want = x.clone();
                rotateDirect(want, 3, p, inverse, d, 10000);
                rope.rotate(x, 3, p, inverse);
                assertArrayEquals(want, x, "position " + p + (inverse ? " inverse" : ""));
            }
        }
    }

    @Test
    void inverseUndoesTheRotation() {
        Rope rope = new Rope(8, 500);
        float[] x = {1, -2, 3, 0.5f, 4, -1, 2, 7};
        float[] y = x.clone();
        rope.rotate(y, 0, 37, false);
        rope.rotate(y, 0, 37, true);
        for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 1e-5f);
    }
}
