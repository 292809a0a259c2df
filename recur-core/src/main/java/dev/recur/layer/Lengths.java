package dev.recur.layer;

import dev.recur.tensor.ShapeException;

import java.util.Arrays;

/**
 * The valid length of each sequence of a padded batch, as PyTorch's PackedSequence carries:
 * outputs past a sequence's end are zero and its final state is the state at its last valid step.
 */
public record Lengths(int[] values) {
    public Lengths {
        values = values.clone();
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0) throw new ShapeException("length of sequence " + i + " is negative: " + values[i]);
        }
    }

    public static Lengths of(int... values) {
        return new Lengths(values);
    }

    public int batch() {
        return values.length;
    }

    public int get(int b) {
        return values[b];
    }

    public int max() {
        int m = 0;
        for (int v : values) m = Math.max(m, v);
        return m;
    }

    /** Throws unless there is one length per sequence and none exceeds {@code steps}. */
    public void check(int batch, int steps) {
        if (values.length != batch) {
            throw new ShapeException("lengths: expected one per sequence (" + batch + "), found " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] > steps) {
                throw new ShapeException("length of sequence " + i + " is " + values[i] + ", longer than the " + steps + " steps given");
            }
        }
    }

    /** How many sequences are still running at step t. */
    public int activeAt(int t) {
        int n = 0;
        for (int v : values) if (v > t) n++;
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lengths l && Arrays.equals(values, l.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Lengths" + Arrays.toString(values);
    }
}
