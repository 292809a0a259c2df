package dev.recur.bench.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The "machine" object of results.json: CPU, cores, JDK, OS, the peers (version, or why missing
 * and how to install), and the run's date, command and load average, which BENCHMARKS.md quotes.
 */
public final class Machine {
    private Machine() {}

    public static Map<String, Object> describe(String command, String date, String loadBefore, Map<String, PeerStatus> peers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpuModel());
        m.put("cores", (long) Runtime.getRuntime().availableProcessors());
        m.put("jdk", System.getProperty("java.vm.vendor", "") + " " + System.getProperty("java.runtime.version", System.getProperty("java.version")));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("date", date);
        m.put("command", command);
        m.put("load_before", loadBefore);
        Map<String, Object> p = new LinkedHashMap<>();
        peers.forEach((k, v) -> p.put(k, v.toJson()));
        m.put("peers", p);
        return m;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
            }
        } catch (Exception e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    /** The 1-, 5- and 15-minute load averages: on a shared machine, the context every figure needs. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
