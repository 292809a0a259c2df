package dev.recur.io.npy;

import dev.recur.io.FormatException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Python dict literal of an npy header, the subset numpy writes and nothing more:
 * quoted strings without escapes, {@code True}/{@code False}, and tuples of non-negative decimal
 * integers (a one-element tuple needs its comma, as in Python; a trailing {@code L} from Python 2
 * files is accepted). The keys must be exactly {@code descr}, {@code fortran_order} and
 * {@code shape}, each once; only whitespace may follow the closing brace.
 */
final class PyDictParser {
    record Header(String descr, boolean fortranOrder, int[] shape) {}

    private static final List<String> KEYS = List.of("descr", "fortran_order", "shape");

    private final String s;
    private final String source;
    private int pos;

    PyDictParser(String text, String source) {
        this.s = text;
        this.source = source;
    }

    Header parse() {
        Map<String, Object> d = dict();
        skipWs();
        if (pos != s.length()) throw error("unexpected text after the header dict");
        for (String k : KEYS) if (!d.containsKey(k)) throw new FormatException(source, "npy header has no \"" + k + "\" key");
        if (!(d.get("descr") instanceof String descr)) {
            throw new FormatException(source,
                    "npy header 'descr' must be a type string such as '<f4' (structured dtypes are not supported)");
        }
        if (!(d.get("fortran_order") instanceof Boolean fortran)) throw new FormatException(source,
                "npy header 'fortran_order' must be True or False");
        if (!(d.get("shape") instanceof int[] shape)) throw new FormatException(source, "npy header 'shape' must be a tuple of integers");
        return new Header(descr, fortran, shape);
    }

    private Map<String, Object> dict() {
        skipWs();
        expect('{');
        Map<String, Object> d = new LinkedHashMap<>();
        while (true) {
            skipWs();
            if (peek() == '}') {
                pos++;
                return d;
            }
            int keyAt = pos;
            String key = string();
            if (!KEYS.contains(key)) throw errorAt(keyAt, "unexpected key " + FormatException.quote(key)
                    + " (an npy header has descr, fortran_order, shape)");
            if (d.containsKey(key)) throw errorAt(keyAt, "duplicate key " + FormatException.quote(key));
            skipWs();
            expect(':');
            skipWs();
            d.put(key, value());
            skipWs();
            if (peek() == ',') {
                pos++;
            } else if (peek() != '}') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private Object value() {
        char c = peek();
        if (c == '\'' || c == '"') return string();
        if (c == '(') return tuple();
        if (s.startsWith("True", pos)) {
            pos += 4;
            return Boolean.TRUE;
        }
        if (s.startsWith("False", pos)) {
            pos += 5;
            return Boolean.FALSE;
        }
        if (c == '[') throw error("unexpected list (structured dtypes are not supported; a shape is a tuple)");
        throw error("unexpected value");
    }

    private String string() {
        char q = peek();
        if (q != '\'' && q != '"') throw error("expected a quoted string");
        int start = ++pos;
        while (pos < s.length() && s.charAt(pos) != q) {
            if (s.charAt(pos) == '\\') throw error("escapes in strings are not supported");
            if (s.charAt(pos) == '\n') throw error("unterminated string");
            pos++;
        }
        if (pos >= s.length()) throw error("unterminated string");
        return s.substring(start, pos++);
    }

    private int[] tuple() {
        expect('(');
        List<Integer> dims = new ArrayList<>();
        boolean trailingComma = false;
        while (true) {
            skipWs();
            if (peek() == ')') {
                pos++;
                break;
            }
            dims.add(dimension());
            skipWs();
            trailingComma = peek() == ',';
            if (trailingComma) {
                pos++;
            } else if (peek() != ')') {
                throw error("expected ',' or ')' in the shape tuple");
            }
        }
        if (dims.size() == 1 && !trailingComma) throw error("shape (n) is an integer in Python, not a tuple: write (n,)");
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = dims.get(i);
        return shape;
    }

    private int dimension() {
        int start = pos;
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
        String digits = s.substring(start, pos);
        if (digits.isEmpty()) {
            throw error(peek() == '-' ? "negative dimension in the shape" : "expected a dimension (a non-negative integer)");
        }
        if (digits.length() > 1 && digits.charAt(0) == '0') throw errorAt(start, "dimension " + digits + " has a leading zero");
        if (pos < s.length() && s.charAt(pos) == 'L') pos++; // Python 2 long
        if (digits.length() > 10 || Long.parseLong(digits) > Integer.MAX_VALUE) {
            throw errorAt(start, "dimension " + digits + " exceeds " + Integer.MAX_VALUE);
        }
        return Integer.parseInt(digits);
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        pos++;
    }

    private void skipWs() {
        while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == '\n' || s.charAt(pos) == '\r')) pos++;
    }

    private FormatException error(String what) {
        return errorAt(pos, what);
    }

    private FormatException errorAt(int at, String what) {
        return new FormatException(source, "npy header: " + what + " at character " + at);
    }
}
