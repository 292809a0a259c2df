package dev.recur.autodiff;

/**
 * Whether ops record the graph on this thread. Inference and streaming run with gradients off:
 * <pre>{@code try (var off = GradMode.off()) { ... } }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Turns recording off until the returned scope is closed. */
    public static Scope off() {
        return set(false);
    }

    /** Turns recording on until the returned scope is closed. */
    public static Scope on() {
        return set(true);
    }

    private static Scope set(boolean value) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = value;
        return () -> flag[0] = previous;
    }

    /** Restores the previous mode on close. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
