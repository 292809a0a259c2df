package dev.recur.data;

import dev.recur.io.FileAccessException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A CSV file with a header row, kept as text cells and converted to numbers a column at a time, so
 * that an error names the exact line and column: a non-numeric cell, a missing value or NaN, an
 * unknown column name, a row with the wrong number of cells. Cells are separated by commas; a
 * cell may be quoted with double quotes (which then may hold commas and doubled quotes).
 */
public final class CsvTable {
    private final String source;
    private final List<String> header;
    private final List<String[]> rows;
    private final int[] lineOf;

    private CsvTable(String source, List<String> header, List<String[]> rows, int[] lineOf) {
        this.source = source;
        this.header = header;
        this.rows = rows;
        this.lineOf = lineOf;
    }

    public static CsvTable read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataException(path.toString(), "not UTF-8 text");
        } catch (IOException e) {
            throw new FileAccessException(path, "read", e);
        }
        return parse(text, path.toString());
    }

    public static CsvTable parse(String text, String source) {
        String[] lines = text.split("\r?\n", -1);
        List<String> header = null;
        List<String[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) continue;
            String[] cells = split(line, source, i + 1);
            if (header == null) {
                header = new ArrayList<>();
                for (String c : cells) header.add(c.trim());
                continue;
            }
            if (cells.length != header.size()) {
                throw new DataException(source, "line " + (i + 1) + " has " + cells.length + " cells, the header has " + header.size());
            }
            rows.add(cells);
            lineNumbers.add(i + 1);
        }
        if (header == null) throw new DataException(source, "empty file (expected a header row, then data rows)");
        int[] lineOf = lineNumbers.stream().mapToInt(Integer::intValue).toArray();
        return new CsvTable(source, List.copyOf(header), rows, lineOf);
    }

    private static String[] split(String line, String source, int lineNo) {
        List<String> cells = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) throw new DataException(source, "line " + lineNo + ": unterminated quoted cell");
        cells.add(cur.toString());
        return cells.toArray(new String[0]);
    }

    public String source() {
        return source;
    }

    public List<String> header() {
        return header;
    }

    public int rows() {
        return rows.size();
    }

    /** The index of a column; an unknown name is an error that lists the columns. */
    public int columnIndex(String name) {
        int i = header.indexOf(name);
        if (i < 0) throw new DataException(source, "no column '" + name + "' (columns: " + String.join(", ", header) + ")");
        return i;
    }

    /** A column's values; a cell that is empty, not a number, NaN or infinite is an error naming its line and column. */
    public double[] numbers(String name) {
        int col = columnIndex(name);
        double[] out = new double[rows.size()];
        for (int r = 0; r < out.length; r++) {
            String cell = rows.get(r)[col].trim();
            String where = "line " + lineOf[r] + ", column " + (col + 1) + " ('" + name + "')";
            if (cell.isEmpty()) throw new DataException(source, where + ": empty cell, expected a number");
            double v;
            try {
                v = Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                throw new DataException(source, where + ": '" + shorten(cell) + "' is not a number");
            }
            if (!Double.isFinite(v)) throw new DataException(source, where + ": " + shorten(cell) + " (NaN or infinite values are not allowed)");
            out[r] = v;
        }
        return out;
    }

    /** The text cells of a column. */
    public List<String> strings(String name) {
        int col = columnIndex(name);
        List<String> out = new ArrayList<>(rows.size());
        for (String[] row : rows) out.add(row[col].trim());
        return out;
    }

    /**
     * The default value column: {@code value} if there is one, otherwise the last column that is
     * not named {@code time}, {@code date}, {@code label} or {@code index}.
     */
    public String defaultTarget() {
        if (header.contains("value")) return "value";
        for (int i = header.size() - 1; i >= 0; i--) {
            String h = header.get(i).toLowerCase(Locale.ROOT);
            if (!List.of("time", "date", "label", "index", "timestamp").contains(h)) return header.get(i);
        }
        throw new DataException(source, "no value column (columns: " + String.join(", ", header) + "); name one with --target");
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
