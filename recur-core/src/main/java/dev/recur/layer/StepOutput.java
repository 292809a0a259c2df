package dev.recur.layer;

import dev.recur.autodiff.Var;

/** A layer's output for one step, (B, outputSize), and the state to feed the next step. */
public record StepOutput(Var output, LayerState state) {}
