package dev.recur.bench.harness;

import dev.recur.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchOptionsTest {
    @Test
    void defaultsAreEverySuiteAndPeer() {
        BenchOptions o = BenchOptions.parse(List.of());
        assertEquals(BenchOptions.SUITES, o.suites());
        assertEquals(List.of("torch", "dl4j", "openblas"), o.peers());
        assertEquals(false, o.quick());
    }

    @Test
    void parsesListsAndFlags() {
        BenchOptions o = BenchOptions.parse(List.of("--suite", "gemm,rnn", "--peers", "openblas", "--quick", "--out", "x", "--rounds", "4"));
        assertEquals(List.of("gemm", "rnn"), o.suites());
        assertEquals(List.of("openblas"), o.peers());
        assertTrue(o.quick());
        assertEquals(Path.of("x"), o.out());
        assertEquals(4, o.rounds());
        assertEquals(List.of(), BenchOptions.parse(List.of("--peers", "none")).peers());
        assertEquals(BenchOptions.SUITES, BenchOptions.parse(List.of("--suite", "all")).suites());
    }

    @Test
    void badInputIsAConfigExceptionThatSaysWhatWasExpected() {
        ConfigException e = assertThrows(ConfigException.class, () -> BenchOptions.parse(List.of("--suite", "lstm")));
        assertEquals("bench: unknown suite 'lstm' (expected gemm, rnn, stream, modern, pararnn or all)", e.getMessage());
        assertThrows(ConfigException.class, () -> BenchOptions.parse(List.of("--peers", "jax")));
        assertThrows(ConfigException.class, () -> BenchOptions.parse(List.of("--rounds", "0")));
        assertThrows(ConfigException.class, () -> BenchOptions.parse(List.of("--out")));
        assertThrows(ConfigException.class, () -> BenchOptions.parse(List.of("--fast")));
    }
}
