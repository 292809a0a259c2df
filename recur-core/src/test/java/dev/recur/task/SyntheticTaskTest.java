package dev.recur.task;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.loss.CrossEntropy;
import dev.recur.model.ModelConfig;
import dev.recur.model.ModelSpec;
import dev.recur.model.SequenceModel;
import dev.recur.random.Rng;
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
    void mqarZeroFillLeavesOnlyPairsAndQueries() {
        SyntheticTask t = new SyntheticTask("mqar", 32, 64, 4, 0, 20, 5, 2, "prefix", "zero");
        for (int e = 0; e < 20; e++) {
            int[][] ex = t.trainExample(e);
            for (int p = 8; p < 32; p++) {
                if (ex[1][p] == SyntheticTask.IGNORE) assertEquals(0, ex[0][p], "position " + p);
                else assertTrue(ex[0][p] >= 1 && ex[0][p] < 32, "a key at a query position");
            }
        }
        assertEquals("zero", t.toJson().get("fill"));
        assertEquals("zero", SyntheticTask.fromJson(t.toJson(), 48, null, "m").toJson().get("fill"));
        assertThrows(ConfigException.class, () -> new SyntheticTask("mqar", 32, 64, 4, 0, 20, 5, 2, "prefix", "noise"));
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
    void prefixParityLabelsEveryStepWithTheParitySoFar() {
        SyntheticTask t = new SyntheticTask("parity", 9, 2, 0, 0, 20, 5, 1);
        for (int e = 0; e < 20; e++) {
            int[][] ex = t.trainExample(e);
            assertEquals(9, ex[1].length);
            int p = 0;
            for (int i = 0; i < 9; i++) {
                p ^= ex[0][i];
                assertEquals(p, ex[1][i], "step " + i);
            }
        }
        assertEquals("next_token", t.head(null).kind());
        assertEquals(2, t.head(null).outputs());
        assertEquals("prefix", t.toJson().get("parity_labels"));
    }

    @Test
    void finalParityLabelIsTheXorOfTheBits() {
        SyntheticTask t = new SyntheticTask("parity", 9, 2, 0, 0, 20, 5, 1, "final", "random");
        for (int e = 0; e < 20; e++) {
            int[][] ex = t.trainExample(e);
            int p = 0;
            for (int b : ex[0]) p ^= b;
            assertEquals(p, ex[1][0]);
        }
        assertEquals("softmax", t.head(null).kind());
        // a model file from before the prefix form has no parity_labels: it was trained on the final label
        Map<String, Object> old = new java.util.LinkedHashMap<>(new SyntheticTask("parity", 9, 2, 0, 0, 20, 5, 1).toJson());
        old.remove("parity_labels");
        assertEquals("softmax", SyntheticTask.fromJson(old, null, null, "m").head(null).kind());
        assertThrows(ConfigException.class, () -> new SyntheticTask("parity", 9, 2, 0, 0, 20, 5, 1, "middle", "random"));
    }

    @Test
    void prefixParityScoresTheLastStepAsAccuracyAndEveryStepAsStepAccuracy() {
        SyntheticTask t = new SyntheticTask("parity", 12, 2, 0, 0, 8, 40, 2);
        SequenceModel m = new SequenceModel(ModelConfig.of(ModelSpec.parse("gla:1x8"), t.input(), t.head(null)), new Rng(1));
        Map<String, Object> metrics = t.evaluate(m, Split.TEST);
        double acc = ((Number) metrics.get("accuracy")).doubleValue(), step = ((Number) metrics.get("step_accuracy")).doubleValue();
        // 40 last steps score in steps of 1/40; 480 steps in steps of 1/480
        assertEquals(0, Math.abs(acc * 40 - Math.rint(acc * 40)), 1e-3, "accuracy counts one label per sequence: " + acc);
        assertTrue(step >= 0 && step <= 1);
        // at another length (length extrapolation), the same metrics
        Map<String, Object> longer = SyntheticTask.fromJson(t.toJson(), 30, null, "m").evaluate(m, Split.TEST);
        assertTrue(longer.containsKey("step_accuracy"));
    }

    @Test
    void mqarLossAtQueryPositionsMatchesTheFullHeadWithIgnoredPositions() {
        // the task gathers the query positions before the head; the loss must equal cross-entropy
        // over the full (T, B, V) logits with the other positions ignored
        SyntheticTask t = new SyntheticTask("mqar", 16, 40, 3, 0, 6, 4, 3);
        SequenceModel m = new SequenceModel(ModelConfig.of(ModelSpec.parse("gla:1x8"), t.input(), t.head(null)), new Rng(2));
        int[] rows = {0, 3, 5};
        float gathered = t.loss(m, rows).value().item();
        int[] in = new int[16 * 3], target = new int[16 * 3];
        for (int j = 0; j < 3; j++) {
            int[][] ex = t.trainExample(rows[j]);
            for (int i = 0; i < 16; i++) {
                in[i * 3 + j] = ex[0][i];
                target[i * 3 + j] = ex[1][i];
            }
        }
        Var full = dev.recur.ops.Shape.reshape(m.forwardTokens(in, 16, 3), 16 * 3, 40);
        assertEquals(new CrossEntropy().apply(full, target, null).value().item(), gathered, 1e-5f);
    }

    @Test
    void badOptionsAreConfigErrors() {
        assertThrows(ConfigException.class, () -> new SyntheticTask("mqar", 64, 32, 4, 0, 10, 10, 1)); // vocab <= seq-len
        assertThrows(ConfigException.class, () -> new SyntheticTask("mqar", 64, 128, 17, 0, 10, 10, 1)); // too many pairs
        assertThrows(ConfigException.class, () -> new SyntheticTask("nope", 64, 128, 4, 0, 10, 10, 1));
    }
}
