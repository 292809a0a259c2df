package dev.recur.kernel;

import dev.recur.kernel.scalar.ScalarBackend;

/**
 * Chooses the backend once: the vector backend when the {@code jdk.incubator.vector} module is in
 * the boot layer, otherwise the scalar backend with one warning line on stderr. The system property
 * {@code recur.backend=scalar|vector} forces a choice (tests and benchmarks compare the two).
 */
public final class Backends {
    private static final Backend SCALAR = new ScalarBackend();
    private static volatile Backend active = choose();

    private Backends() {}

    /** The backend that layers and ops use. */
    public static Backend active() {
        return active;
    }

    /** Replaces the active backend (benchmarks, tests). */
    public static void use(Backend backend) {
        active = backend;
    }

    public static Backend scalar() {
        return SCALAR;
    }

    /** True when the Vector API module is present in this JVM. */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The vector backend; throws {@link IllegalStateException} when the module is absent. */
    public static Backend vector() {
        if (!vectorAvailable()) {
            throw new IllegalStateException("the vector backend needs the JVM option --add-modules jdk.incubator.vector");
        }
        return VectorHolder.INSTANCE;
    }

    private static Backend choose() {
        String forced = System.getProperty("recur.backend", "").trim();
        if (forced.equals("scalar")) return SCALAR;
        if (vectorAvailable()) return vector();
        if (forced.equals("vector")) {
            throw new IllegalStateException("recur.backend=vector but the JVM lacks --add-modules jdk.incubator.vector");
        }
        System.err.println("recur: warning: jdk.incubator.vector is not present; using the scalar backend"
                + " (start java with --add-modules jdk.incubator.vector for SIMD kernels)");
        return SCALAR;
    }

    /** Loaded only when the module is present, so that the scalar path never touches Vector API classes. */
    private static final class VectorHolder {
        static final Backend INSTANCE = load();

        private static Backend load() {
            try {
                return (Backend) Class.forName("dev.recur.kernel.vector.VectorBackend").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot load the vector backend", e);
            }
        }
    }
}
