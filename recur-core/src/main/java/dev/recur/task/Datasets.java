package dev.recur.task;

import dev.recur.data.CsvTable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Data that ships inside Recur, so that {@code recur train} runs with no data argument: the
 * monthly mean sunspot numbers 1749–2013 (3177 months; R's {@code sunspot.month}; the numbers are
 * observations, embedded as facts).
 */
public final class Datasets {
    public static final String SUNSPOTS = "sunspots (embedded: monthly mean sunspot numbers, 1749-2013)";

    private Datasets() {}

    public static CsvTable sunspots() {
        try (InputStream in = Datasets.class.getResourceAsStream("sunspot_month.csv")) {
            if (in == null) throw new IllegalStateException("the embedded sunspot data is missing from the jar");
            return CsvTable.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "sunspots");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the embedded sunspot data", e);
        }
    }
}
