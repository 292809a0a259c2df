package dev.recur.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where training stands, so that a resumed run continues exactly: the optimizer step, the epoch,
 * the position within the epoch's data, the state of every random generator by name (the
 * {@code long[]} of {@code dev.recur.random.Rng#state()}), and any further JSON values the trainer
 * keeps ({@code extra}: best loss, schedule state, ...).
 */
public record TrainingState(long step, long epoch, long dataPosition, Map<String, long[]> rngStates, Map<String, Object> extra) {
    public TrainingState {
        if (step < 0 || epoch < 0 || dataPosition < 0) {
            throw new IllegalArgumentException("negative training position: step " + step + ", epoch " + epoch + ", data " + dataPosition);
        }
        LinkedHashMap<String, long[]> rng = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : RecurFormat.frozen(rngStates, "RNG states").entrySet()) {
            rng.put(e.getKey(), e.getValue().clone());
        }
        rngStates = Collections.unmodifiableSequencedMap(rng);
        extra = RecurFormat.frozen(extra, "extra training state");
    }

    /** The state of a run that has not started. */
    public static TrainingState start() {
        return new TrainingState(0, 0, 0, Map.of(), Map.of());
    }

    /** A copy of the named generator's state, or null. */
    public long[] rngState(String name) {
        long[] s = rngStates.get(name);
        return s == null ? null : s.clone();
    }
}
