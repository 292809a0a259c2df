package dev.recur.layer;

import dev.recur.autodiff.Var;

/** A layer's output over a whole sequence, (T, B, outputSize), and its state after the last valid step. */
public record SequenceOutput(Var output, LayerState state) {}
