package dev.recur.linear;

import dev.recur.layer.Lengths;
import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class HeadsTest {
    @Test
    void bulkGatherAndScatterMatchTheOneSequenceForms() {
        // T = 150 spans several of gatherAll's step chunks; lengths cut sequences short, one to zero.
        int T = 150, B = 3, H = 2, width = 5, off = 4;
        Heads geo = new Heads(T, B, H);
        Rng rng = new Rng(3);
        for (Lengths lengths : new Lengths[] {null, Lengths.of(150, 0, 77)}) {
            float[] src = new float[off + T * B * H * width];
            rng.fillNormal(src, 0, src.length, 0f, 1f);
            float[][] all = geo.gatherAll(src, off, width, lengths);
            float[][] seqs = new float[B * H][];
            for (int b = 0; b < B; b++) {
                int len = geo.length(lengths, b);
                for (int h = 0; h < H; h++) {
                    float[] one = new float[len * width];
                    geo.gather(src, off, width, b, h, len, one);
                    assertArrayEquals(one, all[b * H + h], "b=" + b + " h=" + h);
                    seqs[b * H + h] = one;
                }
            }
            for (boolean add : new boolean[] {false, true}) {
                float[] want = new float[off + T * B * H * width], got = new float[want.length];
                rng.fillNormal(want, 0, want.length, 0f, 1f);
                System.arraycopy(want, 0, got, 0, want.length);
                for (int b = 0; b < B; b++) {
                    int len = geo.length(lengths, b);
                    for (int h = 0; h < H; h++) {
                        if (b == 1 && h == 1) continue; // null sequences are skipped
                        if (add) geo.scatterAdd(seqs[b * H + h], want, off, width, b, h, len);
                        else geo.scatter(seqs[b * H + h], want, off, width, b, h, len);
                    }
                }
                seqs[B * H - 3] = null;
                geo.scatterAll(seqs, got, off, width, lengths, add);
                seqs[B * H - 3] = all[B * H - 3];
                assertArrayEquals(want, got, "add=" + add);
            }
        }
    }
}
