package dev.recur.bench.harness;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScheduleTest {
    private static WorkerSpec w(String system, String variant) {
        return new WorkerSpec(system, variant, List.of("true"), Map.of());
    }

    @Test
    void recurAndPeersAlternateRoundByRound() {
        WorkerSpec a = w("recur", ""), b = w("torch", "threads=1"), c = w("torch", "threads=2");
        List<Schedule.Slot> slots = Schedule.alternate(List.of(a, b, c), 3);
        List<String> order = slots.stream().map(s -> s.round() + ":" + s.worker().label()).toList();
        assertEquals(List.of("1:recur", "1:torch [threads=1]", "1:torch [threads=2]",
                "2:recur", "2:torch [threads=1]", "2:torch [threads=2]",
                "3:recur", "3:torch [threads=1]", "3:torch [threads=2]"), order);
    }

    @Test
    void twoSystemsGiveABAB() {
        List<Schedule.Slot> slots = Schedule.alternate(List.of(w("recur", ""), w("openblas", "")), 2);
        assertEquals(List.of("recur", "openblas", "recur", "openblas"), slots.stream().map(s -> s.worker().system()).toList());
        for (int i = 1; i < slots.size(); i++) {
            assertNotEquals(slots.get(i - 1).worker(), slots.get(i).worker(), "no system runs twice in a row");
        }
    }

    @Test
    void zeroRoundsIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Schedule.alternate(List.of(w("recur", "")), 0));
    }

    @Test
    void workersShareTheTimeLeftWithinBounds() {
        assertEquals(100, BenchMain.workerTimeout(1000L * 1_000_000_000L, 10), "the even share of the runs left in the round");
        assertEquals(30, BenchMain.workerTimeout(-5L * 1_000_000_000L, 4), "past the budget each run still gets 30 s");
        assertEquals(900, BenchMain.workerTimeout(100_000L * 1_000_000_000L, 1), "and never more than 15 minutes");
    }
}
