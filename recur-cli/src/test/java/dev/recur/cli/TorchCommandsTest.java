package dev.recur.cli;

import dev.recur.io.npy.Npy;
import dev.recur.io.safetensors.Safetensors;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code recur import torch} and {@code recur run} on PyTorch reference cases, and their one-line errors. */
class TorchCommandsTest {
    @TempDir
    Path dir;

    record Outcome(int code, String err) {}

    static Outcome recur(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return new Outcome(cl.execute(args), err.toString());
    }

    static Path resource(String name) {
        try {
            return Path.of(TorchCommandsTest.class.getResource("/torch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void close(String what, Tensor expected, Path actualFile) {
        Tensor a = Npy.read(actualFile);
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(a.shape()), what);
        float[] e = expected.toArray(), x = a.toArray();
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - x[i]) <= 1e-5 + 1e-4 * Math.abs(e[i]), what + " element " + i + ": " + x[i] + " vs " + e[i]);
        }
    }

    @Test
    void importedLstmRunsAsPyTorch() {
        Path c = resource("lstm_2layer_bidir"), model = dir.resolve("lstm.recur");
        Outcome o = recur("import", "torch", "--arch", "lstm", "--input-size", "6", "--hidden-size", "10", "--layers", "2",
                "--bidirectional", c.resolve("weights.safetensors").toString(), "--out", model.toString());
        assertEquals(0, o.code(), o.err());
        Path y = dir.resolve("y.npy"), hn = dir.resolve("hn.npy"), cn = dir.resolve("cn.npy");
        o = recur("run", model.toString(), "--input", c.resolve("x.npy").toString(), "--h0", c.resolve("h0.npy").toString(),
                "--c0", c.resolve("c0.npy").toString(), "--output", y.toString(), "--hn", hn.toString(), "--cn", cn.toString());
        assertEquals(0, o.code(), o.err());
        close("y", Npy.read(c.resolve("y.npy")), y);
        close("hn", Npy.read(c.resolve("hn.npy")), hn);
        close("cn", Npy.read(c.resolve("cn.npy")), cn);
    }

    @Test
    void importedBatchFirstGruRunsAsPyTorch() {
        Path c = resource("gru_2layer_bidir_batchfirst"), model = dir.resolve("gru.recur");
        assertEquals(0, recur("import", "torch", "--arch", "gru", "--input-size", "4", "--hidden-size", "12", "--layers", "2",
                "--bidirectional", "--batch-first", c.resolve("weights.safetensors").toString(), "--out", model.toString()).code());
        Path y = dir.resolve("y.npy"), hn = dir.resolve("hn.npy");
        Outcome o = recur("run", model.toString(), "--input", c.resolve("x.npy").toString(), "--h0", c.resolve("h0.npy").toString(),
                "--output", y.toString(), "--hn", hn.toString());
        assertEquals(0, o.code(), o.err());
        close("y", Npy.read(c.resolve("y.npy")), y);
        close("hn", Npy.read(c.resolve("hn.npy")), hn);
    }

    static void assertOneLineError(Outcome o, String... mentions) {
        assertEquals(2, o.code());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        for (String m : mentions) assertTrue(o.err().contains(m), "'" + m + "' missing from: " + o.err());
    }

    @Test
    void unknownArchitectureIsOneLine() {
        Path model = dir.resolve("m.recur");
        assertOneLineError(recur("import", "torch", "--arch", "transformer", "--input-size", "6", "--hidden-size", "10",
                resource("lstm_2layer_bidir/weights.safetensors").toString(), "--out", model.toString()), "transformer", "lstm, gru");
        assertFalse(Files.exists(model));
    }

    @Test
    void wrongShapeNamesExpectedAndFound() {
        Path model = dir.resolve("m.recur");
        assertOneLineError(recur("import", "torch", "--arch", "lstm", "--input-size", "6", "--hidden-size", "11", "--layers", "2",
                "--bidirectional", resource("lstm_2layer_bidir/weights.safetensors").toString(), "--out", model.toString()),
                "weight_ih_l0", "expected shape", "found");
        assertFalse(Files.exists(model));
    }

    @Test
    void missingKeyIsNamed() {
        Map<String, Tensor> w = new LinkedHashMap<>(Safetensors.read(resource("lstm_2layer_bidir/weights.safetensors")));
        w.remove("bias_hh_l1_reverse");
        Path weights = dir.resolve("w.safetensors"), model = dir.resolve("m.recur");
        Safetensors.write(weights, w);
        assertOneLineError(recur("import", "torch", "--arch", "lstm", "--input-size", "6", "--hidden-size", "10", "--layers", "2",
                "--bidirectional", weights.toString(), "--out", model.toString()), "missing", "bias_hh_l1_reverse");
        assertFalse(Files.exists(model));
    }

    @Test
    void runRejectsBadInputsWithoutWriting() {
        Path c = resource("gru_2layer_bidir_batchfirst"), model = dir.resolve("gru.recur");
        assertEquals(0, recur("import", "torch", "--arch", "gru", "--input-size", "4", "--hidden-size", "12", "--layers", "2",
                "--bidirectional", "--batch-first", c.resolve("weights.safetensors").toString(), "--out", model.toString()).code());
        Path y = dir.resolve("y.npy");
        Path wrongX = dir.resolve("x.npy");
        Npy.write(wrongX, Tensor.zeros(3, 6, 5));
        assertOneLineError(recur("run", model.toString(), "--input", wrongX.toString(), "--output", y.toString()), "input", "[3, 6, 5]");
        Path wrongH = dir.resolve("h0.npy");
        Npy.write(wrongH, Tensor.zeros(2, 3, 12));
        assertOneLineError(recur("run", model.toString(), "--input", c.resolve("x.npy").toString(), "--h0", wrongH.toString(),
                "--output", y.toString()), "h0", "[4, 3, 12]", "[2, 3, 12]");
        assertOneLineError(recur("run", model.toString(), "--input", c.resolve("x.npy").toString(), "--output", y.toString(),
                "--cn", dir.resolve("cn.npy").toString()), "--cn");
        assertOneLineError(recur("run", c.resolve("weights.safetensors").toString(), "--input", c.resolve("x.npy").toString(),
                "--output", y.toString()));
        assertFalse(Files.exists(y));
    }
}
