package dev.recur.bench.harness;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether a requested peer can run here: its version when it can, otherwise why not and the
 * command that installs it. A missing peer is reported in results.json and report.md, never
 * silently left out.
 */
public record PeerStatus(String name, boolean available, String version, String problem, String install) {
    public static PeerStatus found(String name, String version) {
        return new PeerStatus(name, true, version, "", "");
    }

    public static PeerStatus missing(String name, String problem, String install) {
        return new PeerStatus(name, false, "", problem, install);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", available ? "ok" : "missing");
        if (available) m.put("version", version);
        else {
            m.put("problem", problem);
            m.put("install", install);
        }
        return m;
    }
}
