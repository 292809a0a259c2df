package dev.recur.kernel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelTest {
    private int saved;

    @BeforeEach
    void save() {
        saved = Parallel.threads();
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
    }

    /** Runs forRange and returns the chunks it was called with, sorted by start. */
    private static List<int[]> chunksOf(int n, int minChunk) {
        List<int[]> seen = Collections.synchronizedList(new ArrayList<>());
        Parallel.forRange(n, minChunk, (s, e) -> seen.add(new int[] {s, e}));
        List<int[]> sorted = new ArrayList<>(seen);
        sorted.sort((x, y) -> Integer.compare(x[0], y[0]));
        return sorted;
    }

    @Test
    void chunksDependOnlyOnSizeAndThreadCount() {
        for (int threads : new int[] {1, 2, 3, 5}) {
            Parallel.setThreads(threads);
            assertEquals(threads, Parallel.threads());
            for (int n : new int[] {0, 1, 2, 7, 100, 1001}) {
                for (int minChunk : new int[] {1, 3, 64}) {
                    int parts = Parallel.chunks(n, minChunk);
                    List<int[]> chunks = chunksOf(n, minChunk);
                    assertEquals(Math.max(parts, n > 0 ? 1 : 0), chunks.size(), "n=" + n + " minChunk=" + minChunk);
                    for (int i = 0; i < chunks.size(); i++) {
                        int p = Math.max(parts, 1);
                        assertEquals(Parallel.bound(n, p, i), chunks.get(i)[0]);
                        assertEquals(Parallel.bound(n, p, i + 1), chunks.get(i)[1]);
                    }
                    assertTrue(parts <= threads);
                }
            }
        }
    }

    @Test
    void everyIndexRunsOnceIncludingNestedCalls() {
        Parallel.setThreads(3);
        int n = 300;
        AtomicIntegerArray hits = new AtomicIntegerArray(n * n);
        for (int rep = 0; rep < 200; rep++) {
            Parallel.forRange(n, 1, (s, e) -> {
                for (int i = s; i < e; i++) {
                    int row = i;
                    // a nested call runs its chunks on this thread
                    Parallel.forRange(n, 1, (s2, e2) -> {
                        for (int j = s2; j < e2; j++) hits.incrementAndGet(row * n + j);
                    });
                }
            });
        }
        for (int i = 0; i < n * n; i++) assertEquals(200, hits.get(i));
    }

    @Test
    void forEachChunkRunsEveryChunkOnceWhateverTheThreadCount() {
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int count : new int[] {0, 1, 2, 3, 8, 37}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(1, count));
                for (int rep = 0; rep < 50; rep++) {
                    Parallel.forEachChunk(count, (s, e) -> {
                        assertEquals(s + 1, e);
                        hits.incrementAndGet(s);
                        // a nested call runs its chunks on this thread
                        Parallel.forEachChunk(2, (s2, e2) -> assertEquals(s2 + 1, e2));
                    });
                }
                for (int i = 0; i < count; i++) assertEquals(50, hits.get(i), "threads=" + threads + " count=" + count);
            }
        }
    }

    @Test
    void aFailingChunkRethrowsOnTheCallerAndThePoolGoesOn() {
        Parallel.setThreads(2);
        IllegalStateException boom = new IllegalStateException("boom");
        for (int failing = 0; failing < 2; failing++) {
            int bad = failing;
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
                    Parallel.forRange(2, 1, (s, e) -> {
                        if (s == bad) throw boom;
                    }));
            assertSame(boom, thrown);
        }
        AtomicIntegerArray hits = new AtomicIntegerArray(10);
        Parallel.forRange(10, 1, (s, e) -> {
            for (int i = s; i < e; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < 10; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void concurrentCallersEachGetTheirWholeRange() throws InterruptedException {
        Parallel.setThreads(2);
        int callers = 4, n = 1000, reps = 300;
        AtomicIntegerArray hits = new AtomicIntegerArray(callers * n);
        Thread[] ts = new Thread[callers];
        for (int c = 0; c < callers; c++) {
            int base = c * n;
            ts[c] = new Thread(() -> {
                for (int r = 0; r < reps; r++) {
                    Parallel.forRange(n, 10, (s, e) -> {
                        for (int i = s; i < e; i++) hits.incrementAndGet(base + i);
                    });
                }
            });
            ts[c].start();
        }
        for (Thread t : ts) t.join();
        for (int i = 0; i < callers * n; i++) assertEquals(reps, hits.get(i));
    }

    @Test
    void oneThreadNeverReportsWorkersKeepingUp() {
        Parallel.setThreads(1);
        for (int i = 0; i < 100; i++) assertFalse(Parallel.workersKeepingUp(), "call " + i);
    }

    @Test
    void aPoolThatFellBehindIsProbedWithARunOfSplits() {
        Parallel.setThreads(1);
        Parallel.setThreads(2); // a fresh pool: its question count starts at zero
        for (int i = 0; i < 8; i++) Parallel.noteForTest(false);
        // every 64th question starts a run of PROBE_CALLS yeses: the first split finds the worker
        // parked, the ones after it show whether it keeps up
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 63; i++) assertFalse(Parallel.workersKeepingUp(), "round " + round + ", call " + i);
            for (int i = 0; i < Parallel.PROBE_CALLS; i++) assertTrue(Parallel.workersKeepingUp(), "probe " + i);
        }
        // a probe whose splits kept up restores the hint for good
        for (int i = 0; i < 7; i++) Parallel.noteForTest(true);
        for (int i = 0; i < 200; i++) assertTrue(Parallel.workersKeepingUp(), "call " + i);
    }

    @Test
    void rejectsAThreadCountBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
