package dev.recur.bench.harness;

import dev.recur.ConfigException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The options of {@code recur bench [--suite gemm|rnn|stream|modern|pararnn|all] [--peers
 * torch,dl4j,openblas|none] [--quick] [--out DIR] [--rounds N]}. Suites and peers may be lists.
 */
public record BenchOptions(List<String> suites, List<String> peers, boolean quick, Path out, Integer rounds, boolean help) {
    public static final List<String> SUITES = List.of("gemm", "rnn", "stream", "modern", "pararnn");

    public static final String USAGE = """
            usage: recur bench [--suite gemm|rnn|stream|modern|pararnn|all] [--peers torch,dl4j,openblas|none]
                               [--quick] [--out DIR] [--rounds N]
            Measures Recur and its peers in alternating worker processes and writes DIR/results.json,
            DIR/report.md and DIR/*.png (default DIR: bench-out/bench-<date>). --quick is a smoke run
            (under 3 minutes); the full run takes up to 30 minutes.""";

    public static BenchOptions parse(List<String> args) {
        List<String> suites = SUITES, peers = Peers.ALL;
        boolean quick = false, help = false;
        Path out = null;
        Integer rounds = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--quick" -> quick = true;
                case "-h", "--help" -> help = true;
                case "--suite" -> suites = list(value(args, i++), SUITES, "suite");
                case "--peers" -> peers = list(value(args, i++), Peers.ALL, "peer");
                case "--out" -> out = Path.of(value(args, i++));
                case "--rounds" -> {
                    String v = value(args, i++);
                    try {
                        rounds = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        rounds = -1;
                    }
                    if (rounds < 1 || rounds > 50) throw new ConfigException("bench: --rounds must be an integer in 1..50, found '" + v + "'");
                }
                default -> throw new ConfigException("bench: unknown option '" + a + "' (expected --suite, --peers, --quick, --out, --rounds)");
            }
        }
        return new BenchOptions(suites, peers, quick, out, rounds, help);
    }

    private static String value(List<String> args, int i) {
        if (i + 1 >= args.size()) throw new ConfigException("bench: option " + args.get(i) + " needs a value");
        return args.get(i + 1);
    }

    /** A comma list of known names; {@code all} means every one, {@code none} (peers only) none. */
    private static List<String> list(String value, List<String> known, String what) {
        if (value.equals("all")) return known;
        if (value.equals("none") && what.equals("peer")) return List.of();
        Set<String> out = new LinkedHashSet<>();
        for (String s : value.split(",")) {
            String n = s.strip();
            if (!known.contains(n)) {
                throw new ConfigException("bench: unknown " + what + " '" + n + "' (expected " + String.join(", ", known)
                        + (what.equals("peer") ? ", all or none" : " or all") + ")");
            }
            out.add(n);
        }
        return new ArrayList<>(out);
    }
}
