package dev.recur.cli;

import dev.recur.train.Progress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;
import java.util.Map;

/**
 * Training progress for people: a progress bar (step, loss, tokens/s, ETA) when standard
 * output is a terminal, otherwise one plain line per validation, so that logs stay readable.
 */
abstract class ProgressReporter implements Progress {
    static ProgressReporter create(boolean quiet, long total) {
        if (quiet) return new Plain(true);
        java.io.Console console = System.console();
        return console != null && console.isTerminal() ? new Bar(total) : new Plain(false);
    }

    static String describe(Map<String, Object> rec) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "step %d  epoch %d  train_loss %s", rec.get("step"),
                rec.get("epoch"), rec.get("train_loss")));
        if (rec.get("validation") instanceof Map<?, ?> v) v.forEach((k, x) -> sb.append("  val_").append(k).append(' ').append(x));
        sb.append("  ").append(rec.get("elapsed_s")).append(" s");
        return sb.toString();
    }

    private static final class Plain extends ProgressReporter {
        private final boolean quiet;
        private double rate;

        Plain(boolean quiet) {
            this.quiet = quiet;
        }

        @Override
        public void step(long step, long total, double loss, double tokensPerSecond) {
            rate = tokensPerSecond;
        }

        @Override
        public void evaluated(Map<String, Object> record) {
            if (!quiet) System.out.println(describe(record) + String.format(Locale.ROOT, "  %.0f tokens/s", rate));
        }

        @Override
        public void message(String text) {
            if (!quiet) System.out.println(text);
        }
    }

    private static final class Bar extends ProgressReporter {
        private final ProgressBar bar;

        Bar(long total) {
            bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250).continuousUpdate().build();
        }

        @Override
        public void step(long step, long total, double loss, double tokensPerSecond) {
            bar.stepTo(step);
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f  %.0f tok/s", loss, tokensPerSecond));
        }

        @Override
        public void evaluated(Map<String, Object> record) {
            // the bar redraws itself; the line goes above it
            System.out.print("\r\033[K");
            System.out.println(describe(record));
        }

        @Override
        public void message(String text) {
            System.out.print("\r\033[K");
            System.out.println(text);
        }

        @Override
        public void close() {
            bar.close();
        }
    }
}
