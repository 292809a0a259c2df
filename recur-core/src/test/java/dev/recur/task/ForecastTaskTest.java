package dev.recur.task;

import dev.recur.data.DataException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForecastTaskTest {
    private static double[] ramp(int n) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = i;
        return y;
    }

    @Test
    void baselinesOnARampHaveKnownErrors() {
        // y = t: the naive forecast h steps ahead is off by h, the seasonal one (season 4) by 4 for every h < 4
        ForecastTask task = new ForecastTask(ramp(200), "ramp", 8, 2, 4);
        Map<String, Object> b = task.baselines();
        assertEquals(1.5, (Double) ((Map<?, ?>) b.get("naive")).get("mae"), 1e-9);
        assertEquals(4.0, (Double) ((Map<?, ?>) b.get("seasonal_naive")).get("mae"), 1e-9);
    }

    @Test
    void normalisationUsesTheTrainingPartOnly() {
        ForecastTask task = new ForecastTask(ramp(100), "ramp", 4, 1, 1);
        // the first 70 values: mean 34.5
        assertEquals(34.5, (Double) task.toJson().get("mean"), 1e-9);
        assertEquals(70 - 4 - 1 + 1, task.trainExamples());
    }

    @Test
    void tooFewRowsIsOneClearError() {
        DataException e = assertThrows(DataException.class, () -> new ForecastTask(ramp(20), "short.csv", 24, 12, 12));
        assertTrue(e.getMessage().startsWith("short.csv: 20 rows are too few for context 24, horizon 12"), e.getMessage());
    }

    @Test
    void metricsFollowTheirDefinitions() {
        Map<String, Object> m = Metrics.regression(new double[] {1, 3, 0}, new double[] {2, 1, 0});
        assertEquals(1.0, (Double) m.get("mae"), 1e-9);
        assertEquals(Math.sqrt(5.0 / 3), (Double) m.get("rmse"), 1e-5);
        assertEquals(100 * (2.0 / 3 + 1.0) / 3, (Double) m.get("smape"), 1e-3); // the 0/0 term counts 0
    }
}
