package dev.recur.cli;

import dev.recur.io.AtomicFiles;
import dev.recur.io.FileAccessException;
import dev.recur.io.json.Json;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Draws curves.png from metrics.jsonl: training and validation loss, and the validation selection metric, against the step. */
final class Curves {
    private Curves() {}

    static void write(Path metrics, Path png, String metric) {
        if (!Files.exists(metrics)) return;
        List<Double> steps = new ArrayList<>(), train = new ArrayList<>(), val = new ArrayList<>(), sel = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                Map<String, Object> rec = Json.parseObject(line, metrics.toString());
                Map<?, ?> v = (Map<?, ?>) rec.get("validation");
                steps.add(((Number) rec.get("step")).doubleValue());
                train.add(((Number) rec.get("train_loss")).doubleValue());
                val.add(((Number) v.get("loss")).doubleValue());
                sel.add(((Number) v.get(metric)).doubleValue());
            }
        } catch (IOException e) {
            throw new FileAccessException(metrics, "read", e);
        }
        if (steps.isEmpty()) return;
        System.setProperty("java.awt.headless", "true");
        XYChart loss = new XYChartBuilder().width(800).height(380).title("Loss").xAxisTitle("step").yAxisTitle("loss").build();
        loss.addSeries("training", steps, train).setMarker(SeriesMarkers.NONE);
        loss.addSeries("validation", steps, val).setMarker(SeriesMarkers.CIRCLE);
        XYChart m = new XYChartBuilder().width(800).height(380).title("Validation " + metric).xAxisTitle("step").yAxisTitle(metric).build();
        m.addSeries(metric, steps, sel).setMarker(SeriesMarkers.CIRCLE);
        m.getStyler().setLegendVisible(false);
        try {
            var a = BitmapEncoder.getBufferedImage(loss);
            var b = BitmapEncoder.getBufferedImage(m);
            var img = new java.awt.image.BufferedImage(a.getWidth(), a.getHeight() + b.getHeight(), java.awt.image.BufferedImage.TYPE_INT_RGB);
            var g = img.createGraphics();
            g.drawImage(a, 0, 0, null);
            g.drawImage(b, 0, a.getHeight(), null);
            g.dispose();
            var bytes = new java.io.ByteArrayOutputStream();
            javax.imageio.ImageIO.write(img, "png", bytes);
            AtomicFiles.writeBytes(png, bytes.toByteArray());
        } catch (IOException e) {
            throw new FileAccessException(png, "write", e);
        }
    }
}
