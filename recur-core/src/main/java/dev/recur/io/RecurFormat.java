package dev.recur.io;

import dev.recur.io.json.Json;
import dev.recur.io.safetensors.SafetensorsFile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * What Recur's own containers (model files, checkpoints) share: a safetensors file whose
 * {@code __metadata__} names the container ({@code "format"}), its layout version
 * ({@code "version"}, a decimal integer) and carries JSON documents as strings. See
 * docs/DESIGN.md, "Formats", for the versioning policy.
 */
final class RecurFormat {
    static final String FORMAT_KEY = "format";
    static final String VERSION_KEY = "version";

    private RecurFormat() {}

    /** Metadata naming the container, plus each JSON document serialised compactly. */
    static Map<String, String> metadata(String format, int version, Map<String, Object> documents) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(FORMAT_KEY, format);
        m.put(VERSION_KEY, Integer.toString(version));
        for (Map.Entry<String, Object> e : documents.entrySet()) m.put(e.getKey(), Json.write(canonical(e.getValue())));
        return m;
    }

    /**
     * The same JSON value with a deterministic key order, so that equal content gives equal
     * bytes: ordered maps ({@link SequencedMap}, e.g. what the JSON reader returns) keep their
     * order, unordered ones ({@code HashMap}, {@code Map.of}) are sorted by key.
     */
    static Object canonical(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            if (!(m instanceof SequencedMap)) entries.sort(Comparator.comparing(e -> String.valueOf(e.getKey())));
            for (Map.Entry<?, ?> e : entries) out.put(String.valueOf(e.getKey()), canonical(e.getValue()));
            return out;
        }
        if (v instanceof Iterable<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) out.add(canonical(o));
            return out;
        }
        return v;
    }

    /**
     * Checks that the file is a {@code format} container of a version this build reads
     * ({@code 1..newest}) and returns the version.
     */
    static int checkFormat(SafetensorsFile f, String format, int newest) {
        String found = f.metadata().get(FORMAT_KEY);
        if (found == null) {
            throw new FormatException(f.source(), "not a " + format + " file: its safetensors metadata has no \"format\" (a plain"
                    + " safetensors file; read it with Safetensors.read)");
        }
        if (!found.equals(format)) {
            throw new FormatException(f.source(), "is a " + FormatException.quote(found) + " file, expected \""
                    + format + "\"");
        }
        String v = f.metadata().get(VERSION_KEY);
        if (v == null) throw new FormatException(f.source(), format + " metadata has no \"version\"");
        int version = v.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(v) : -1;
        if (version < 1) {
            throw new FormatException(f.source(), format + " version " + FormatException.quote(v)
                    + " is not a positive integer");
        }
        if (version > newest) {
            throw new FormatException(f.source(), format + " version " + version + " was written by a newer Recur; this build reads"
                    + " versions 1 to " + newest + " (upgrade Recur to read it)");
        }
        return version;
    }

    /** The JSON object stored as metadata string {@code key}. */
    static Map<String, Object> document(SafetensorsFile f, String key) {
        String text = f.metadata().get(key);
        if (text == null) throw new FormatException(f.source(), "metadata has no \"" + key + "\"");
        try {
            return Json.parseObject(text, f.source());
        } catch (FormatException e) {
            throw new FormatException(f.source(), "metadata \"" + key + "\": " + e.problem(), e);
        }
    }

    /**
     * An unmodifiable copy in a deterministic order: an ordered map's own order, else by key (as
     * {@link #canonical} orders JSON objects).
     */
    static <V> Map<String, V> frozen(Map<String, V> m, String what) {
        if (m == null) throw new IllegalArgumentException(what + " is null");
        List<Map.Entry<String, V>> entries = new ArrayList<>(m.entrySet());
        if (!(m instanceof SequencedMap)) entries.sort(Map.Entry.comparingByKey());
        LinkedHashMap<String, V> copy = new LinkedHashMap<>();
        for (Map.Entry<String, V> e : entries) copy.put(e.getKey(), e.getValue());
        return Collections.unmodifiableSequencedMap(copy);
    }
}
