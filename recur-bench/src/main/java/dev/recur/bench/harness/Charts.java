package dev.recur.bench.harness;

import dev.recur.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report's PNG charts, drawn with XChart: LSTM inference throughput against hidden size
 * (T = 128, B = 32) and against sequence length (H = 256, B = 32), one line per system at its
 * best configuration, log-log. A chart with fewer than two points for every system is not drawn.
 */
public final class Charts {
    private static final Pattern RNN_CASE = Pattern.compile("lstm H=(\\d+) T=(\\d+) B=32");

    /** One colour per system in every chart. */
    private static final Map<String, java.awt.Color> COLORS = Map.of(
            "recur", new java.awt.Color(0x1f77b4), "torch", new java.awt.Color(0xff7f0e),
            "dl4j", new java.awt.Color(0x9467bd), "openblas", new java.awt.Color(0x2ca02c));

    private Charts() {}

    /** Writes the charts into {@code dir}; returns their file names. */
    public static List<String> write(Results results, Path dir) {
        List<String> files = new ArrayList<>();
        if (draw(results, dir.resolve("rnn-throughput-by-hidden.png"), "LSTM inference throughput by hidden size (T=128, B=32)",
                "hidden size", true)) files.add("rnn-throughput-by-hidden.png");
        if (draw(results, dir.resolve("rnn-throughput-by-length.png"), "LSTM inference throughput by sequence length (H=256, B=32)",
                "sequence length T", false)) files.add("rnn-throughput-by-length.png");
        return files;
    }

    /** system -> x -> best median tokens/s, for the LSTM cases along one axis. */
    static Map<String, TreeMap<Integer, Double>> series(Results results, boolean byHidden) {
        Map<String, TreeMap<Integer, Double>> out = new LinkedHashMap<>();
        for (Results.Entry e : results.entries()) {
            if (!e.suite().equals("rnn") || !e.metric().equals("infer_tokens_per_s") || !Double.isFinite(e.median())) continue;
            Matcher m = RNN_CASE.matcher(e.baseCase());
            if (!m.matches()) continue;
            int h = Integer.parseInt(m.group(1)), t = Integer.parseInt(m.group(2));
            if (byHidden ? t != 128 : h != 256) continue;
            out.computeIfAbsent(e.system(), k -> new TreeMap<>()).merge(byHidden ? h : t, e.median(), Math::max);
        }
        return out;
    }

    private static boolean draw(Results results, Path file, String title, String xTitle, boolean byHidden) {
        Map<String, TreeMap<Integer, Double>> series = series(results, byHidden);
        if (series.values().stream().noneMatch(s -> s.size() >= 2)) return false;
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xTitle).yAxisTitle("tokens/s").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        series.forEach((system, points) -> {
            double[] x = points.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
            double[] y = points.values().stream().mapToDouble(Double::doubleValue).toArray();
            var line = chart.addSeries(system, x, y);
            line.setMarker(SeriesMarkers.CIRCLE);
            java.awt.Color color = COLORS.get(system);
            if (color != null) {
                line.setLineColor(color);
                line.setMarkerColor(color);
            }
        });
        try {
            AtomicFiles.writeBytes(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }
}
