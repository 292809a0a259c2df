package dev.recur.nn;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.ops.Pointwise;

import java.util.Arrays;
import java.util.Locale;

/** An elementwise activation as a module, so that it can sit in a {@link Sequential}. No parameters. */
public final class Activation extends UnaryModule {
    /** The activations by their config names. */
    public enum Kind {
        IDENTITY, SIGMOID, TANH, RELU, SILU, GELU, SOFTPLUS;

        /** Parses a config name such as {@code "gelu"} (case-insensitive). */
        public static Kind parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("unknown activation '" + name + "', expected one of "
                        + Arrays.toString(values()).toLowerCase(Locale.ROOT));
            }
        }
    }

    private final Kind kind;

    public Activation(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public Var forward(Var x) {
        return apply(kind, x);
    }

    /** The activation as a function, for code that needs no module. */
    public static Var apply(Kind kind, Var x) {
        return switch (kind) {
            case IDENTITY -> x;
            case SIGMOID -> Pointwise.sigmoid(x);
            case TANH -> Pointwise.tanh(x);
            case RELU -> Pointwise.relu(x);
            case SILU -> Pointwise.silu(x);
            case GELU -> Pointwise.gelu(x);
            case SOFTPLUS -> Pointwise.softplus(x);
        };
    }
}
