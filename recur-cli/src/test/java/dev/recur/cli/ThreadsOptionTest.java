package dev.recur.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.kernel.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The global {@code --threads} option: accepted before or after the subcommand, checked. */
class ThreadsOptionTest {
    private int before;

    @BeforeEach
    void remember() {
        before = Parallel.threads();
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(before);
    }

    @Test
    void setsThePoolFromEitherPosition() {
        CliRun info = CliRun.of("info", "--threads", "1");
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("threads: 1"), info.out());
        CliRun first = CliRun.of("--threads", "3", "info");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().contains("threads: 3"), first.out());
    }

    @Test
    void rejectsZeroWithOneLine() {
        CliRun r = CliRun.of("info", "--threads", "0");
        assertEquals(Main.USER_ERROR, r.exit());
        assertTrue(r.err().startsWith("recur: --threads: expected an integer >= 1, found 0"), r.err());
        assertEquals(before, Parallel.threads());
    }
}
