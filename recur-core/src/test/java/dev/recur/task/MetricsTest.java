package dev.recur.task;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MetricsTest {
    @Test
    void rocAucCountsTiesAsHalf() {
        boolean[] y = {false, true, false, true};
        assertEquals(1.0, Metrics.rocAuc(new double[] {0.1, 0.9, 0.2, 0.8}, y), 1e-12);
        assertEquals(0.0, Metrics.rocAuc(new double[] {0.9, 0.1, 0.8, 0.2}, y), 1e-12);
        assertEquals(0.5, Metrics.rocAuc(new double[] {0.5, 0.5, 0.5, 0.5}, y), 1e-12);
        assertEquals(0.875, Metrics.rocAuc(new double[] {0.1, 0.5, 0.5, 0.9}, y), 1e-12); // pairs: (0.5 vs 0.1) 1, (0.5 vs 0.5) 1/2, (0.9 vs both) 2: 3.5 of 4
        assertNull(Metrics.rocAuc(new double[] {1, 2}, new boolean[] {false, false}));
    }

    @Test
    void thresholdMaximisesF1AndDetectionCountsAgree() {
        double[] s = {0.1, 0.2, 0.9, 0.3, 0.8, 0.35};
        boolean[] y = {false, false, true, false, true, false};
        double t = Metrics.bestThreshold(s, y);
        assertEquals(0.8, t, 1e-12);
        Map<String, Object> m = Metrics.detection(s, y, t);
        assertEquals(1.0, m.get("precision"));
        assertEquals(1.0, m.get("recall"));
        assertEquals(1.0, m.get("f1"));
        // no anomaly to tune on: the threshold sits just above every score, flagging nothing
        double none = Metrics.bestThreshold(s, new boolean[6]);
        assertEquals(0.0, Metrics.detection(s, new boolean[6], none).get("precision"));
        assertEquals(Math.nextUp(0.9), none);
    }

    @Test
    void classificationMetrics() {
        Map<String, Object> m = Metrics.classification(new int[] {0, 0, 1, 1, 2}, new int[] {0, 1, 1, 1, 0}, 3);
        assertEquals(0.6, m.get("accuracy"));
        // F1: class 0 = 2·1/(2+1+1) = 0.5, class 1 = 2·2/(4+1+0) = 0.8, class 2 = 0
        assertEquals(List.of(0.5, 0.8, 0.0), m.get("per_class_f1"));
        assertEquals(Metrics.round(1.3 / 3), m.get("macro_f1"));
        assertEquals(List.of(List.of(1L, 1L, 0L), List.of(0L, 2L, 0L), List.of(1L, 0L, 0L)), m.get("confusion"));
    }
}
