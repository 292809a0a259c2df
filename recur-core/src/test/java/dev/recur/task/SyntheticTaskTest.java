package dev.recur.task;

import dev.recur.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticTaskTest {
    @Test
    void mqarFollowsZoology() {
        int v = 64, len = 32, pairs = 4;
        SyntheticTask task = new SyntheticTask("mqar", len, v, pairs, 0, 200, 10, 5);
        int nearGaps = 0, labelled = 0;
        for (int e = 0; e < 200; e++) {
            int[][] ex = task.trainExample(e);
            int[] tok = ex[0], lab = ex[1];
            Map<Integer, Integer> value = new HashMap<>();
            for (int i = 0; i < pairs; i++) {
                int k = tok[2 * i], val = tok[2 * i + 1];
                assertTrue(k >= 1 && k < v / 2, "key range");
                assertTrue(val >= v / 2 && val < v, "value range");
                assertEquals(null, value.put(k, val), "keys distinct");
            }
            assertEquals(pairs, new HashSet<>(value.values()).size(), "values distinct");
            Set<Integer> queried = new HashSet<>();
            for (int p = 0; p < len; p++) {
                if (lab[p] == SyntheticTask.IGNORE) continue;
                labelled++;
                assertTrue(p >= 2 * pairs && (p - 2 * pairs) % 2 == 0, "queries after the pairs, at even offsets");
                assertEquals(value.get(tok[p]), lab[p], "the label is the queried key's value");
                assertTrue(queried.add(tok[p]), "each key queried once");
                if (p - 2 * pairs < 8) nearGaps++;
            }
            assertEquals(pairs, queried.size());
        }
        assertEquals(200 * pairs, labelled);
        // the power law with a = 0.01 puts most queries at small gaps: 4 of the 12 gaps take well over a third
        assertTrue(nearGaps > 200 * pairs * 0.4, "gaps skew small: " + nearGaps);
    }

    @Test
    void deterministicBySeedAndSeqLenChangesTheTestSet() {
        SyntheticTask a = new SyntheticTask("selective-copy", 20, 10, 0, 4, 5, 5, 9), b = new SyntheticTask("selective-copy", 20, 10, 0, 4, 5, 5, 9);
        assertArrayEquals(a.trainExample(3)[0], b.trainExample(3)[0]);
        int[][] ex = a.trainExample(0);
        assertEquals(24, ex[0].length);
        int data = 0;
        for (int i = 0; i < 20; i++) if (ex[0][i] != 0) assertEquals(ex[1][20 + data++], ex[0][i], "copied in order");
        assertEquals(4, data);
        SyntheticTask longer = SyntheticTask.fromJson(a.toJson(), 40, null, "m");
        assertEquals(40L, longer.toJson().get("seq_len"));
    }

    @Test
    void parityLabelIsTheXorOfTheBits() {
        SyntheticTask t = new SyntheticTask("parity", 9, 2, 0, 0, 20, 5, 1);
        for (int e = 0; e < 20; e++) {
            int[][] ex = t.trainExample(e);
            int p = 0;
            for (int b : ex[0]) p ^= b;
            assertEquals(p, ex[1][0]);
        }
    }

    @Test
    void badOptionsAreConfigErrors() {
        assertThrows(ConfigException.class, () -> new SyntheticTask("mqar", 64, 32, 4, 0, 10, 10, 1)); // vocab <= seq-len
        assertThrows(ConfigException.class, () -> new SyntheticTask("mqar", 64, 128, 17, 0, 10, 10, 1)); // too many pairs
        assertThrows(ConfigException.class, () -> new SyntheticTask("nope", 64, 128, 4, 0, 10, 10, 1));
    }
}
