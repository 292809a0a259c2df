package dev.recur.train;

import java.util.Map;

/** What the trainer reports as it runs; the CLI draws a progress bar or prints lines from it. */
public interface Progress {
    /** After each optimizer step: the running mean training loss since the last validation, and sequence steps (tokens) per second. */
    void step(long step, long total, double loss, double tokensPerSecond);

    /** After each validation: the JSON object that went to metrics.jsonl. */
    void evaluated(Map<String, Object> record);

    /** A message for the user (resumed, interrupted, ...). */
    void message(String text);

    /** Training has stopped, normally or not. */
    default void close() {}

    Progress SILENT = new Progress() {
        @Override
        public void step(long step, long total, double loss, double tokensPerSecond) {}

        @Override
        public void evaluated(Map<String, Object> record) {}

        @Override
        public void message(String text) {}
    };
}
