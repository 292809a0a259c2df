package dev.recur.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {
    private static Tensor iota(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.numel(); i++) t.data()[i] = i;
        return t;
    }

    @Test
    void selectAndNarrowAreViewsOfTheSameArray() {
        Tensor x = iota(4, 3, 2); // (T, B, H)
        Tensor step2 = x.select(0, 2);
        assertArrayEquals(new int[] {3, 2}, step2.shape());
        assertSame(x.data(), step2.data());
        assertEquals(2 * 6 + 1 * 2 + 1, step2.get(1, 1));
        Tensor batch1 = x.select(1, 1);
        assertArrayEquals(new int[] {4, 2}, batch1.shape());
        assertFalse(batch1.isContiguous());
        assertArrayEquals(new float[] {2, 3, 8, 9, 14, 15, 20, 21}, batch1.toArray());
        step2.set(-1f, 0, 0);
        assertEquals(-1f, x.get(2, 0, 0));
        Tensor mid = x.narrow(0, 1, 2);
        assertArrayEquals(new int[] {2, 3, 2}, mid.shape());
        assertEquals(6f, mid.get(0, 0, 0));
    }

    @Test
    void transposeAndPermuteMoveStridesNotData() {
        Tensor x = iota(2, 3);
        Tensor t = x.transpose(0, 1);
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toArray());
        Tensor p = iota(2, 3, 4).permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        assertEquals(iota(2, 3, 4).get(1, 2, 3), p.get(3, 1, 2));
        assertTrue(p.contiguous().isContiguous());
        assertEquals(p.get(3, 1, 2), p.contiguous().get(3, 1, 2));
    }

    @Test
    void viewInfersOneDimensionAndRejectsBadShapes() {
        Tensor x = iota(2, 3, 4);
        assertArrayEquals(new int[] {6, 4}, x.view(-1, 4).shape());
        assertThrows(ShapeException.class, () -> x.view(5, -1));
        assertThrows(ShapeException.class, () -> x.transpose(0, 1).view(24));
        assertThrows(ShapeException.class, () -> x.select(1, 3));
        assertThrows(ShapeException.class, () -> Tensor.of(new float[5], 2, 3));
    }

    @Test
    void unsqueezeAndCopyFromStrided() {
        Tensor x = iota(3, 2);
        Tensor u = x.unsqueeze(1);
        assertArrayEquals(new int[] {3, 1, 2}, u.shape());
        assertEquals(x.get(2, 1), u.get(2, 0, 1));
        Tensor dst = Tensor.zeros(2, 3);
        dst.copyFrom(x.transpose(0, 1));
        assertArrayEquals(new float[] {0, 2, 4, 1, 3, 5}, dst.toArray());
        Tensor z = Tensor.zeros(3, 2);
        z.transpose(0, 1).fill(7f);
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, z.toArray());
    }
}
