package dev.recur.ssm;

import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ChannelBlocksTest {
    @Test
    void aBorrowedCopyOfADirtyArrayEqualsAFreshOne() {
        // 37 channels: a last block of 5 lanes; lengths below T: steps past them must read as zeros
        int T = 9, B = 3, H = 37;
        int[] len = {9, 4, 0};
        Rng rng = new Rng(3);
        float[] a = new float[T * B * H];
        rng.fillNormal(a, 0, a.length, 0f, 1f);
        ChannelBlocks fresh = ChannelBlocks.of(a, T, B, H, len);
        // dirty the pool's array of this size, then borrow it back
        float[] junk = ScratchArrays.take(fresh.data.length);
        java.util.Arrays.fill(junk, Float.NaN);
        ScratchArrays.give(junk);
        ChannelBlocks borrowed = ChannelBlocks.borrow(a, T, B, H, len);
        assertArrayEquals(fresh.data, borrowed.data);
        borrowed.release();
        // and the copy back agrees with the input inside the lengths, zero past them
        float[] back = new float[a.length];
        ChannelBlocks.borrow(a, T, B, H, len).copyTo(back, len);
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                for (int h = 0; h < H; h++) {
                    int i = (t * B + b) * H + h;
                    assertEquals(t < len[b] ? a[i] : 0f, back[i], "t=" + t + " b=" + b + " h=" + h);
                }
            }
        }
    }
}
