package dev.recur.bench.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * The order of worker runs within a suite: rounds of Recur then each peer configuration, A B C A B
 * C ..., so that a neighbour's load drifting over the run hits every system alike instead of
 * landing on whichever ran last. Each run is a fresh process.
 */
public final class Schedule {
    /** One worker run: the round (from 1) and the system configuration it runs. */
    public record Slot(int round, WorkerSpec worker) {}

    private Schedule() {}

    public static List<Slot> alternate(List<WorkerSpec> workers, int rounds) {
        if (rounds < 1) throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        List<Slot> slots = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            for (WorkerSpec w : workers) slots.add(new Slot(r, w));
        }
        return slots;
    }
}
