package dev.recur.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each listed bad input: one line on standard error, exit code 2, and no output directory left behind. */
class BadInputTest {
    @TempDir
    Path dir;

    private void fails(String expected, String... args) {
        Path out = dir.resolve("out");
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--out";
        all[args.length + 1] = out.toString();
        CliRun r = CliRun.of(all);
        assertEquals(2, r.exit(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("recur: "), err);
        assertTrue(err.contains(expected), "expected '" + expected + "' in: " + err);
        assertFalse(Files.exists(out), "no partial output");
    }

    private Path csv(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void missingFile() {
        fails("no-such.csv: cannot read: no such file or directory", "train", "--data", dir.resolve("no-such.csv").toString());
    }

    @Test
    void unknownColumn() throws Exception {
        Path f = ForecastCliTest.sineCsv(dir, 100);
        fails("no column 'temp' (columns: time, value)", "train", "--data", f.toString(), "--target", "temp");
    }

    @Test
    void nonNumericCellWithLineAndColumn() throws Exception {
        Path f = csv("bad.csv", "time,value\n1,2\n2,3\n3,x7\n");
        fails("bad.csv: line 4, column 2 ('value'): 'x7' is not a number", "train", "--data", f.toString());
    }

    @Test
    void tooFewRows() throws Exception {
        Path f = ForecastCliTest.sineCsv(dir, 30);
        fails("30 rows are too few for context 60, horizon 12 and season 12 (need at least", "train", "--data", f.toString());
    }

    @Test
    void nanInData() throws Exception {
        Path f = csv("nan.csv", "time,value\n1,2\n2,NaN\n3,4\n");
        fails("nan.csv: line 3, column 2 ('value'): NaN (NaN or infinite values are not allowed)", "train", "--data", f.toString());
    }

    @Test
    void unknownModelName() throws Exception {
        Path f = ForecastCliTest.sineCsv(dir, 100);
        fails("unknown layer 'lstmx'", "train", "--data", f.toString(), "--context", "8", "--model", "lstmx:1x8");
    }

    @Test
    void unknownLayerOption() throws Exception {
        Path f = ForecastCliTest.sineCsv(dir, 100);
        fails("unknown option", "train", "--data", f.toString(), "--context", "8", "--model", "gla:1x8,colour=red");
    }
}
