package dev.recur.bench.harness;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimingTest {
    /** The warm-up calls of {@link Timing#medianSeconds} for a sequence of call times, by its rule. */
    private static int warmUpCalls(double warmup, double... seconds) {
        double elapsed = 0, best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < seconds.length; i++) {
            elapsed += seconds[i];
            if (Timing.warmedUp(i + 1, seconds[i], best, elapsed, warmup)) return i + 1;
            best = Math.min(best, seconds[i]);
        }
        return -1;
    }

    @Test
    void aSlowCaseWarmsUpUntilItsCallsStopGettingFaster() {
        // half-second calls that C2 speeds up over four calls: time alone (0.5 s) would stop after one
        assertEquals(6, warmUpCalls(0.5, 0.9, 0.7, 0.5, 0.35, 0.3, 0.3, 0.3));
        // noise within 10 % after the speed-up does not prolong it
        assertEquals(3, warmUpCalls(0.5, 0.9, 0.3, 0.32, 0.3));
    }

    @Test
    void aFastCaseWarmsUpForItsNominalTime() {
        double[] calls = new double[200];
        java.util.Arrays.fill(calls, 1.0 / 64);
        assertEquals(32, warmUpCalls(0.5, calls)); // 32 calls of 1/64 s reach 0.5 s
    }

    @Test
    void theWarmUpIsCappedWhenItNeverSettles() {
        double[] calls = new double[20];
        for (int i = 0; i < calls.length; i++) calls[i] = 1.0 * Math.pow(0.8, i); // always 20 % faster
        int n = warmUpCalls(0.2, calls);
        assertTrue(n > 0, "never stopped");
        double elapsed = 0;
        for (int i = 0; i < n; i++) elapsed += calls[i];
        assertTrue(elapsed >= Timing.WARMUP_CAP * 0.2, "stopped at " + elapsed + " s");
        assertFalse(elapsed - calls[n - 1] >= Timing.WARMUP_CAP * 0.2, "ran past the cap");
    }

    @Test
    void theMedianOfARealOpIsMeasured() {
        double s = Timing.medianSeconds(() -> { }, 0.001, 0.001, 5);
        assertTrue(s >= 0 && s < 0.01, "median " + s);
    }
}
