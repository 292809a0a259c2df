package dev.recur.bench.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeersTest {
    @TempDir
    Path root;

    @Test
    void aPeerThatIsNotInstalledIsReportedWithItsInstallCommand() {
        Peers peers = new Peers(root, root.resolve("no-such-python3").toString());
        for (String p : List.of("torch", "openblas")) {
            PeerStatus s = peers.detect(p);
            assertFalse(s.available(), p);
            assertEquals("apt-get install python3-torch python3-numpy libopenblas0-pthread", s.install());
            assertEquals("missing", s.toJson().get("status"));
            assertEquals(s.install(), s.toJson().get("install"));
        }
        PeerStatus dl4j = peers.detect("dl4j");
        assertFalse(dl4j.available());
        assertTrue(dl4j.problem().contains("recur-bench-dl4j is not built"), dl4j.problem());
        assertTrue(dl4j.install().contains("-Pdl4j"), dl4j.install());
    }

    @Test
    void aMissingPeerIsNamedInTheReport() {
        Peers peers = new Peers(root, root.resolve("no-such-python3").toString());
        Results r = Results.aggregate(Machine.describe("./recur bench --quick", "2026-12-07 04:00 UTC", "1 1 1",
                java.util.Map.of("torch", peers.detect("torch"))), List.of());
        String md = Report.markdown(r, List.of());
        assertTrue(md.contains("| torch | **missing**"), md);
        assertTrue(md.contains("`apt-get install python3-torch python3-numpy libopenblas0-pthread`"), md);
    }

    @Test
    void peerConfigurationsFollowTheIssue() {
        Peers peers = new Peers(root, "python3");
        Plan full = Plan.of(false, null), quick = Plan.of(true, null);
        assertEquals(List.of("threads=1", "threads=2"),
                peers.workers("torch", "rnn", List.of("lstm:256:128:32:ti"), full).stream().map(WorkerSpec::variant).toList());
        assertEquals(List.of("default", "OMP_NUM_THREADS=1", "OMP_WAIT_POLICY=PASSIVE"),
                peers.workers("dl4j", "rnn", List.of("lstm:256:128:32:ti"), full).stream().map(WorkerSpec::variant).toList());
        assertEquals("PASSIVE", peers.workers("dl4j", "stream", List.of("lstm:256:1"), full).get(2).env().get("OMP_WAIT_POLICY"));
        assertEquals(List.of("OMP_NUM_THREADS=1"),
                peers.workers("dl4j", "rnn", List.of("lstm:256:128:32:ti"), quick).stream().map(WorkerSpec::variant).toList());
        assertEquals(List.of("threads=1"),
                peers.workers("torch", "rnn", List.of("lstm:256:128:32:ti"), quick).stream().map(WorkerSpec::variant).toList());
        assertEquals("1", peers.workers("torch", "stream", List.of("lstm:256:1"), full).get(0).env().get("OMP_NUM_THREADS"));
        assertTrue(peers.workers("torch", "gemm", List.of("256x256x256"), full).isEmpty(), "torch has no gemm worker");
        assertEquals(1, peers.workers("openblas", "gemm", List.of("256x256x256"), full).size());
        assertTrue(peers.workers("openblas", "rnn", List.of("lstm:256:128:32:ti"), full).isEmpty());
    }

    @Test
    void deeplearning4jTakesTheTableAndTheSmallerCurvePoints() {
        Peers peers = new Peers(root, "python3");
        WorkerSpec w = peers.workers("dl4j", "rnn", List.of("lstm:256:128:32:ti", "lstm:2048:128:32:i", "lstm:256:8192:32:i"),
                Plan.of(true, null)).get(0);
        assertEquals("lstm:256:128:32:ti", w.command().get(w.command().indexOf("--cases") + 1));
    }
}
