package dev.recur.random;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RngTest {
    @Test
    void drawsTheSameBitsAsSplittableRandom() {
        for (long seed : new long[] {0, 1, 42, -7, Long.MAX_VALUE}) {
            Rng r = new Rng(seed);
            SplittableRandom s = new SplittableRandom(seed);
            for (int i = 0; i < 1000; i++) {
                assertEquals(s.nextLong(), r.nextLong());
                assertEquals(s.nextInt(), r.nextInt());
                assertEquals(s.nextInt(1000), r.nextInt(1000));
                assertEquals(s.nextInt(1 << 10), r.nextInt(1 << 10));
                assertEquals(s.nextDouble(), r.nextDouble());
                assertEquals(s.nextFloat(), r.nextFloat());
                assertEquals(s.nextInt(-5, 17), r.nextInt(-5, 17));
            }
            Rng rs = r.split();
            SplittableRandom ss = s.split();
            for (int i = 0; i < 100; i++) assertEquals(ss.nextLong(), rs.nextLong());
        }
    }

    @Test
    void restoredStateContinuesTheSameSequence() {
        Rng r = new Rng(123);
        for (int i = 0; i < 17; i++) r.nextGaussian();
        Rng copy = Rng.fromState(r.state());
        for (int i = 0; i < 100; i++) assertEquals(r.nextGaussian(), copy.nextGaussian());
    }

    @Test
    void gaussianHasUnitMomentsApproximately() {
        Rng r = new Rng(9);
        double s = 0, s2 = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            s += g;
            s2 += g * g;
        }
        assertEquals(0, s / n, 0.01);
        assertEquals(1, s2 / n, 0.01);
    }
}
