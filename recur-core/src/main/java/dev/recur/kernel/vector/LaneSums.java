package dev.recur.kernel.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * The sum of a vector's lanes in one fixed pairwise order. {@code reduceLanes(ADD)} leaves the
 * order to the implementation, and the interpreter (sequential) and C2 (a tree) use different
 * ones, so a result's last bits would depend on whether the caller had been compiled yet: a run
 * resumed in a fresh JVM would not reproduce one run straight through. Lane-wise adds are exact
 * IEEE operations in both, so this order gives the same bits everywhere.
 */
final class LaneSums {
    private LaneSums() {}

    static float sum(FloatVector v) {
        int n = v.length();
        if (n > 16) throw new IllegalStateException("no lane sum for " + n + " float lanes");
        // constant slice origins, so that C2 emits plain lane shuffles
        if (n == 16) v = v.add(v.slice(8));
        if (n >= 8) v = v.add(v.slice(4));
        if (n >= 4) v = v.add(v.slice(2));
        if (n >= 2) v = v.add(v.slice(1));
        return v.lane(0);
    }

    static double sum(DoubleVector v) {
        int n = v.length();
        if (n > 8) throw new IllegalStateException("no lane sum for " + n + " double lanes");
        if (n == 8) v = v.add(v.slice(4));
        if (n >= 4) v = v.add(v.slice(2));
        if (n >= 2) v = v.add(v.slice(1));
        return v.lane(0);
    }
}
