package dev.recur.train;

import dev.recur.autodiff.Var;
import dev.recur.io.Checkpoint;
import dev.recur.io.ModelFile;
import dev.recur.model.ModelConfig;
import dev.recur.model.ModelSpec;
import dev.recur.model.SequenceModel;
import dev.recur.random.Rng;
import dev.recur.task.ForecastTask;
import dev.recur.task.Split;
import dev.recur.task.Task;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    private static final TrainConfig CONFIG = new TrainConfig(14, 8, 1e-2, 7, 4, 3, 1.0, 0.01);

    private static Task task() {
        double[] y = new double[160];
        for (int i = 0; i < y.length; i++) y[i] = Math.sin(i * 0.4) * 10 + i * 0.05;
        return new ForecastTask(y, "sine", 12, 3, 16);
    }

    private static SequenceModel model(Task task) {
        // dropout makes the run depend on the model's random state as well as the data order
        ModelConfig c = ModelConfig.of(ModelSpec.parse("gla:1x8,dropout=0.1"), task.input(), task.head(null));
        return new SequenceModel(c, new Rng(CONFIG.seed()));
    }

    private static Map<String, Object> saved(SequenceModel m, Task t) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", m.config().toJson());
        s.put("task", t.toJson());
        return s;
    }

    /** Stops the run after a given step, as Ctrl-C would. */
    private static Progress stopAfter(long step, AtomicBoolean stop) {
        return new Progress() {
            @Override
            public void step(long s, long total, double loss, double rate) {
                if (s == step) stop.set(true);
            }

            @Override
            public void evaluated(Map<String, Object> record) {}

            @Override
            public void message(String text) {}
        };
    }

    @Test
    void interruptedAndResumedRunEndsWithTheSameWeights(@TempDir Path dir) throws Exception {
        Task task = task();
        Path straightDir = Files.createDirectory(dir.resolve("straight")), splitDir = Files.createDirectory(dir.resolve("split"));
        SequenceModel straight = model(task);
        Trainer.Result r = new Trainer(task, straight, CONFIG, straightDir, saved(straight, task), Progress.SILENT).run(new AtomicBoolean());
        assertFalse(r.interrupted());
        assertEquals(14, r.step());

        // stop after step 6 (mid-epoch, between evaluations), then resume in a fresh trainer and model
        AtomicBoolean stop = new AtomicBoolean();
        SequenceModel first = model(task);
        Trainer.Result part = new Trainer(task, first, CONFIG, splitDir, saved(first, task), stopAfter(6, stop)).run(stop);
        assertTrue(part.interrupted());
        assertEquals(6, part.step());
        Checkpoint ck = Checkpoint.read(splitDir.resolve(Trainer.CHECKPOINT));
        assertEquals(6, ck.training().step());

        SequenceModel resumed = new SequenceModel(model(task).config(), new Rng(99)); // other initial weights: all must come from the checkpoint
        Trainer t2 = new Trainer(task, resumed, CONFIG, splitDir, saved(resumed, task), Progress.SILENT);
        t2.restore(ck, "last.ckpt");
        assertFalse(t2.run(new AtomicBoolean()).interrupted());

        Map<String, Tensor> a = straight.stateDict(), b = resumed.stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
        assertEquals(Files.readString(straightDir.resolve(Trainer.METRICS)).replaceAll("\"elapsed_s\":[0-9.]+", ""),
                Files.readString(splitDir.resolve(Trainer.METRICS)).replaceAll("\"elapsed_s\":[0-9.]+", ""));
        assertArrayEquals(Files.readAllBytes(straightDir.resolve(Trainer.MODEL_FILE)), Files.readAllBytes(splitDir.resolve(Trainer.MODEL_FILE)));
    }

    @Test
    void writesOneMetricsRecordPerEvaluationAndTheBestModel(@TempDir Path dir) throws Exception {
        Task task = task();
        SequenceModel m = model(task);
        new Trainer(task, m, CONFIG, dir, saved(m, task), Progress.SILENT).run(new AtomicBoolean());
        List<String> lines = Files.readAllLines(dir.resolve(Trainer.METRICS));
        assertEquals(4, lines.size()); // steps 4, 8, 12 and the last, 14
        assertTrue(lines.get(3).startsWith("{\"step\":14,"), lines.get(3));
        ModelFile best = ModelFile.read(dir.resolve(Trainer.MODEL_FILE));
        assertEquals(m.stateDict().keySet(), best.weights().keySet());
        assertEquals("forecast", ((Map<?, ?>) best.config().get("task")).get("name"));
    }

    /**
     * The task of {@link #task()} with a selection metric that saturates (every validation scores
     * 1.0, as a solved synthetic task's accuracy does) and the given validation losses, in the
     * order of the evaluations.
     */
    private static Task saturated(Task inner, double... losses) {
        double[] ones = new double[losses.length];
        java.util.Arrays.fill(ones, 1.0);
        return scripted(inner, ones, losses);
    }

    /** The task of {@link #task()} whose validations report the given accuracies and losses, in order. */
    private static Task scripted(Task inner, double[] accuracies, double[] losses) {
        return new Task() {
            private int calls;

            @Override public String name() { return inner.name(); }
            @Override public ModelConfig.Input input() { return inner.input(); }
            @Override public ModelConfig.Head head(String kind) { return inner.head(kind); }
            @Override public int trainExamples() { return inner.trainExamples(); }
            @Override public int stepsPerExample() { return inner.stepsPerExample(); }
            @Override public Var loss(SequenceModel model, int[] examples) { return inner.loss(model, examples); }
            @Override public String selectionMetric() { return "accuracy"; }
            @Override public boolean lowerIsBetter() { return false; }
            @Override public Map<String, Object> toJson() { return inner.toJson(); }

            @Override
            public Map<String, Object> evaluate(SequenceModel model, Split split) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("loss", losses[calls]);
                m.put("accuracy", accuracies[calls++]);
                return m;
            }
        };
    }

    @Test
    void aTiedSelectionMetricIsBrokenByTheLowerLoss(@TempDir Path dir) throws Exception {
        Task inner = task();
        // evaluations at steps 4, 8, 12, 14: the last has the lowest loss; step 12 must not replace step 8
        SequenceModel m = model(inner);
        Trainer.Result r = new Trainer(saturated(inner, 0.5, 0.3, 0.4, 0.2), m, CONFIG, dir, saved(m, inner), Progress.SILENT)
                .run(new AtomicBoolean());
        assertEquals(14L, ((Number) r.best().get("step")).longValue());
        Map<String, Tensor> last = m.stateDict(), best = ModelFile.read(dir.resolve(Trainer.MODEL_FILE)).weights();
        for (String k : last.keySet()) assertArrayEquals(last.get(k).toArray(), best.get(k).toArray(), k);
    }

    @Test
    void aRestoredRunKeepsTheBestLossForTies(@TempDir Path dir) throws Exception {
        Task inner = task();
        AtomicBoolean stop = new AtomicBoolean();
        SequenceModel first = model(inner);
        new Trainer(saturated(inner, 0.5, 0.3), first, CONFIG, dir, saved(first, inner), stopAfter(10, stop)).run(stop);
        byte[] atStep8 = Files.readAllBytes(dir.resolve(Trainer.MODEL_FILE));

        // resumed: step 12 (0.4) ties on accuracy with a higher loss than step 8's, step 14 (0.35) too
        SequenceModel resumed = model(inner);
        Trainer t = new Trainer(saturated(inner, 0.4, 0.35), resumed, CONFIG, dir, saved(resumed, inner), Progress.SILENT);
        t.restore(Checkpoint.read(dir.resolve(Trainer.CHECKPOINT)), "last.ckpt");
        Trainer.Result r = t.run(new AtomicBoolean());
        assertEquals(8L, ((Number) r.best().get("step")).longValue());
        assertArrayEquals(atStep8, Files.readAllBytes(dir.resolve(Trainer.MODEL_FILE)));
    }

    @Test
    void aDivergedFirstValidationIsBeatenByTheNextNumber(@TempDir Path dir) throws Exception {
        Task inner = task();
        SequenceModel m = model(inner);
        double nan = Double.NaN;
        Trainer.Result r = new Trainer(scripted(inner, new double[] {nan, 0.5, nan, 0.4}, new double[] {nan, 1, nan, 1}),
                m, CONFIG, dir, saved(m, inner), Progress.SILENT).run(new AtomicBoolean());
        assertEquals(8L, ((Number) r.best().get("step")).longValue());
    }

    @Test
    void aRunWhoseBestIsStillNaNResumes(@TempDir Path dir) throws Exception {
        Task inner = task();
        double nan = Double.NaN;
        AtomicBoolean stop = new AtomicBoolean();
        SequenceModel first = model(inner);
        new Trainer(scripted(inner, new double[] {nan}, new double[] {nan}), first, CONFIG, dir, saved(first, inner), stopAfter(6, stop)).run(stop);

        SequenceModel resumed = model(inner);
        Trainer t = new Trainer(scripted(inner, new double[] {0.5, 0.4, 0.4}, new double[] {1, 1, 1}), resumed, CONFIG, dir,
                saved(resumed, inner), Progress.SILENT);
        t.restore(Checkpoint.read(dir.resolve(Trainer.CHECKPOINT)), "last.ckpt"); // its best record holds null for NaN
        assertEquals(8L, ((Number) t.run(new AtomicBoolean()).best().get("step")).longValue());
    }
}
