package dev.recur.bench.harness;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanTest {
    @Test
    void theFullGemmSuiteHasTheIssuesShapes() {
        List<String> shapes = Plan.of(false, null).gemmShapes();
        for (String s : List.of("256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048")) assertTrue(shapes.contains(s), s);
        for (int b : new int[] {1, 8, 32, 64}) {
            assertTrue(shapes.contains(b + "x256x1024"));
            assertTrue(shapes.contains(b + "x1024x4096"));
        }
        assertEquals(12, shapes.size());
    }

    @Test
    void theFullRnnSuiteHasTheTableAndBothScalingCurves() {
        List<String> cases = Plan.of(false, null).rnnCases(c -> true);
        assertTrue(cases.contains("lstm:256:128:32:ti"), "the table case is measured for training and inference");
        assertTrue(cases.contains("gru:1024:128:32:ti"));
        assertTrue(cases.contains("rnn:256:128:32:ti"));
        assertTrue(cases.contains("lstm:2048:128:32:i"));
        assertTrue(cases.contains("lstm:64:128:32:i"));
        assertTrue(cases.contains("lstm:256:8192:32:i"));
        assertEquals(cases.size(), cases.stream().map(c -> c.substring(0, c.lastIndexOf(':'))).distinct().count(), "no case twice");
        assertTrue(Plan.of(false, null).rnnCases(c -> !c.equals("rnn")).stream().noneMatch(c -> c.startsWith("rnn:")));
        for (int i = 1; i < cases.size(); i++) {
            assertTrue(Plan.footprint(cases.get(i - 1)) <= Plan.footprint(cases.get(i)), "smallest first, for the peak RSS: " + cases);
        }
    }

    @Test
    void streamIsBatchOneHidden256() {
        assertEquals(List.of("lstm:256:1", "gru:256:1"), Plan.of(false, null).streamCases(c -> false));
    }

    @Test
    void caseNamesAreTheSameForEveryWorker() {
        assertEquals("lstm H=256 T=128 B=32", Plan.rnnCase("lstm", 256, 128, 32));
        assertEquals("32x256x1024 threads=2", Plan.gemmCase("32x256x1024", 2));
        assertEquals("rnn_tanh", Plan.recurLayer("rnn"));
    }
}
