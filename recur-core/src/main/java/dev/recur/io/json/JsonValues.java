package dev.recur.io.json;

import dev.recur.io.FormatException;

import java.util.List;
import java.util.Map;

/** Typed access to parsed JSON with errors that name the source and the key. */
public final class JsonValues {
    private JsonValues() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object v, String source, String what) {
        if (v instanceof Map) return (Map<String, Object>) v;
        throw new FormatException(source, what + ": expected an object, found " + Json.typeName(v));
    }

    @SuppressWarnings("unchecked")
    public static List<Object> array(Object v, String source, String what) {
        if (v instanceof List) return (List<Object>) v;
        throw new FormatException(source, what + ": expected an array, found " + Json.typeName(v));
    }

    public static Object require(Map<String, Object> m, String key, String source) {
        if (!m.containsKey(key)) throw new FormatException(source, "missing key \"" + key + "\"");
        return m.get(key);
    }

    public static String string(Map<String, Object> m, String key, String source) {
        Object v = require(m, key, source);
        if (v instanceof String s) return s;
        throw new FormatException(source, "\"" + key + "\": expected a string, found " + Json.typeName(v));
    }

    public static long integer(Map<String, Object> m, String key, String source) {
        return integer(require(m, key, source), source, "\"" + key + "\"");
    }

    public static long integer(Object v, String source, String what) {
        if (v instanceof Long l) return l;
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) return d.longValue();
        throw new FormatException(source, what + ": expected an integer, found " + Json.describe(v));
    }

    public static double number(Map<String, Object> m, String key, String source) {
        Object v = require(m, key, source);
        if (v instanceof Number n) return n.doubleValue();
        throw new FormatException(source, "\"" + key + "\": expected a number, found " + Json.typeName(v));
    }

    public static boolean bool(Map<String, Object> m, String key, String source) {
        Object v = require(m, key, source);
        if (v instanceof Boolean b) return b;
        throw new FormatException(source, "\"" + key + "\": expected true or false, found " + Json.typeName(v));
    }
}
