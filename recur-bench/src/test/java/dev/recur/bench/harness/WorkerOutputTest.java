package dev.recur.bench.harness;

import dev.recur.io.FormatException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerOutputTest {
    @Test
    void readsMeasurementsInfoAndGapsAndSkipsNoise() {
        WorkerOutput out = new WorkerOutput();
        out.accept("SLF4J: Defaulting to no-operation (NOP) logger implementation", "w");
        out.accept("{\"info\":{\"system\":\"torch\",\"version\":\"1.13.1\"}}", "w");
        out.accept("{\"suite\":\"rnn\",\"case\":\"lstm H=256 T=128 B=32\",\"system\":\"torch\",\"metric\":\"infer_tokens_per_s\",\"unit\":\"tokens/s\",\"value\":1234.5}", "w");
        out.accept("{\"suite\":\"rnn\",\"case\":\"gru H=256 T=128 B=32\",\"system\":\"torch\",\"metric\":\"peak_rss\",\"unit\":\"MiB\",\"value\":null}", "w");
        out.accept("{\"unsupported\":{\"suite\":\"rnn\",\"case\":\"gru:256:128:32:ti\",\"why\":\"no GRU layer\"}}", "w");
        assertEquals(2, out.measurements().size());
        assertEquals(1234.5, out.measurements().get(0).value());
        assertTrue(Double.isNaN(out.measurements().get(1).value()));
        assertEquals("1.13.1", out.info().get("version"));
        assertEquals("rnn gru:256:128:32:ti: no GRU layer", out.unsupported().get(0));
    }

    @Test
    void convertsTheNumpyGemmLines() {
        WorkerOutput out = new WorkerOutput();
        out.accept("{\"impl\": \"numpy-openblas\", \"shape\": \"32x256x1024\", \"m\": 32, \"k\": 256, \"n\": 1024, \"threads\": 2, "
                + "\"packed\": false, \"seconds\": 0.0001, \"gflops\": 167.8, \"blas\": \"OpenBLAS 0.3.21 core=Haswell\"}", "numpy");
        Measurement m = out.measurements().get(0);
        assertEquals(new Measurement("gemm", "32x256x1024 threads=2", "openblas", "gflops", "GFLOP/s", 167.8), m);
        assertEquals("OpenBLAS 0.3.21 core=Haswell", out.info().get("blas"));
    }

    @Test
    void aLineThatBreaksTheProtocolFailsLoudly() {
        WorkerOutput out = new WorkerOutput();
        FormatException e = assertThrows(FormatException.class,
                () -> out.accept("{\"suite\":\"rnn\",\"case\":\"x\",\"system\":\"torch\",\"metric\":\"m\",\"unit\":\"u\",\"value\":\"fast\"}", "torch worker"));
        assertTrue(e.getMessage().contains("torch worker"), e.getMessage());
    }
}
