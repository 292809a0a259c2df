package dev.recur.bench.pararnn;

import dev.recur.kernel.Parallel;
import dev.recur.pararnn.LinearScan;
import dev.recur.pararnn.ParaGruCell;
import dev.recur.pararnn.ParaLstmCell;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParaRnnMeasureTest {
    @Test
    void convergenceRowsReportNewtonsOwnIterationsWithinTolerance() {
        List<ParaRnnMeasure.Convergence> rows = ParaRnnMeasure.convergence("paralstm", 16, 4, 6, 3);
        assertEquals(3, rows.size());
        for (ParaRnnMeasure.Convergence c : rows) {
            assertTrue(c.iterations() >= 1 && c.residual() <= c.tolerance() && c.maxDiffFromSequential() < 1e-4, c.toString());
        }
    }

    @Test
    void timingsCoverTheGridAndRestoreTheThreadCount() {
        int before = Parallel.threads();
        List<ParaRnnMeasure.Timing> t = ParaRnnMeasure.timings("paragru", 8, new int[] {1, 2}, new int[] {64}, new int[] {1, 2}, 1);
        assertEquals(4, t.size());
        assertEquals(before, Parallel.threads());
        String md = ParaRnnMeasure.markdown(List.of(), t);
        assertEquals(4 + 2, md.lines().filter(l -> l.startsWith("|")).count(), md);
    }

    @Test
    void workRatioGrowsWithIterationsAndTheBackwardDilutesIt() {
        var gru = new ParaGruCell(4);
        double r3 = ParaRnnMeasure.workRatio(gru, 1024, 256, 3, LinearScan.Strategy.SEQUENTIAL, 1, false);
        double r5 = ParaRnnMeasure.workRatio(gru, 1024, 256, 5, LinearScan.Strategy.SEQUENTIAL, 1, false);
        assertTrue(r3 > 4 && r5 > r3, r3 + " " + r5);
        assertTrue(ParaRnnMeasure.workRatio(gru, 1024, 256, 3, LinearScan.Strategy.SEQUENTIAL, 1, true) < r3);
        var lstm = new ParaLstmCell(4);
        assertTrue(ParaRnnMeasure.workRatio(lstm, 1024, 256, 3, LinearScan.Strategy.TIME_CHUNKS, 2, false)
                > ParaRnnMeasure.workRatio(lstm, 1024, 256, 3, LinearScan.Strategy.SEQUENTIAL, 2, false));
    }
}
