package dev.recur.kernel.fft;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FftKernels} on the Vector API: each loop runs over the lanes of a run with full vectors
 * and one masked tail. The full-vector loops are written out with unmasked loads and stores: as one
 * helper taking a nullable mask, the helper grew too large for C2 to inline into its loop, which
 * left Vector API calls uninlined and boxed (JFR showed their Java fallbacks, ldOp and binaryOp)
 * and measured 2-3x slower per butterfly, in cache or not. The arithmetic mirrors the scalar loops operation for operation (mul, add,
 * sub; no fma), so the results are the same bits.
 */
final class VectorFftKernels implements FftKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    public void radix2(float[] xr, float[] xi, int a, int b, float[] yr, float[] yi, int c, int run, float wr, float wi) {
        int d = c + run, L = S.length(), r = 0;
        for (; r <= run - L; r += L) {
            FloatVector ar = FloatVector.fromArray(S, xr, a + r), ai = FloatVector.fromArray(S, xi, a + r);
            FloatVector br = FloatVector.fromArray(S, xr, b + r), bi = FloatVector.fromArray(S, xi, b + r);
            FloatVector sr = ar.sub(br), si = ai.sub(bi);
            ar.add(br).intoArray(yr, c + r);
            ai.add(bi).intoArray(yi, c + r);
            sr.mul(wr).sub(si.mul(wi)).intoArray(yr, d + r);
            sr.mul(wi).add(si.mul(wr)).intoArray(yi, d + r);
        }
        if (r < run) radix2At(xr, xi, a + r, b + r, yr, yi, c + r, d + r, wr, wi, S.indexInRange(r, run));
    }

    private static void radix2At(float[] xr, float[] xi, int a, int b, float[] yr, float[] yi, int c, int d,
                                 float wr, float wi, VectorMask<Float> m) {
        FloatVector ar = load(xr, a, m), ai = load(xi, a, m), br = load(xr, b, m), bi = load(xi, b, m);
        FloatVector sr = ar.sub(br), si = ai.sub(bi);
        store(ar.add(br), yr, c, m);
        store(ai.add(bi), yi, c, m);
        store(sr.mul(wr).sub(si.mul(wi)), yr, d, m);
        store(sr.mul(wi).add(si.mul(wr)), yi, d, m);
    }

    @Override
    public void radix4(float[] xr, float[] xi, int a, int q, float[] yr, float[] yi, int c, int run, float sign,
                       float w1r, float w1i, float w2r, float w2i, float w3r, float w3i) {
        int L = S.length(), r = 0;
        for (; r <= run - L; r += L) {
            int i0 = a + r, o = c + r;
            FloatVector ar = FloatVector.fromArray(S, xr, i0), ai = FloatVector.fromArray(S, xi, i0);
            FloatVector br = FloatVector.fromArray(S, xr, i0 + q), bi = FloatVector.fromArray(S, xi, i0 + q);
            FloatVector cr = FloatVector.fromArray(S, xr, i0 + 2 * q), ci = FloatVector.fromArray(S, xi, i0 + 2 * q);
            FloatVector dr = FloatVector.fromArray(S, xr, i0 + 3 * q), di = FloatVector.fromArray(S, xi, i0 + 3 * q);
            FloatVector pr = ar.add(cr), pi = ai.add(ci), mr = ar.sub(cr), mi = ai.sub(ci);
            FloatVector sr = br.add(dr), si = bi.add(di);
            FloatVector jr = bi.sub(di).mul(-sign), ji = br.sub(dr).mul(sign); // +-i (b - d)
            pr.add(sr).intoArray(yr, o);
            pi.add(si).intoArray(yi, o);
            FloatVector t1r = mr.sub(jr), t1i = mi.sub(ji), t2r = pr.sub(sr), t2i = pi.sub(si), t3r = mr.add(jr), t3i = mi.add(ji);
            t1r.mul(w1r).sub(t1i.mul(w1i)).intoArray(yr, o + run);
            t1r.mul(w1i).add(t1i.mul(w1r)).intoArray(yi, o + run);
            t2r.mul(w2r).sub(t2i.mul(w2i)).intoArray(yr, o + 2 * run);
            t2r.mul(w2i).add(t2i.mul(w2r)).intoArray(yi, o + 2 * run);
            t3r.mul(w3r).sub(t3i.mul(w3i)).intoArray(yr, o + 3 * run);
            t3r.mul(w3i).add(t3i.mul(w3r)).intoArray(yi, o + 3 * run);
        }
        if (r < run) {
            radix4At(xr, xi, a + r, q, yr, yi, c + r, run, sign, w1r, w1i, w2r, w2i, w3r, w3i, S.indexInRange(r, run));
        }
    }

    private static void radix4At(float[] xr, float[] xi, int i0, int q, float[] yr, float[] yi, int o, int run, float sign,
                                 float w1r, float w1i, float w2r, float w2i, float w3r, float w3i, VectorMask<Float> m) {
        FloatVector ar = load(xr, i0, m), ai = load(xi, i0, m), br = load(xr, i0 + q, m), bi = load(xi, i0 + q, m);
        FloatVector cr = load(xr, i0 + 2 * q, m), ci = load(xi, i0 + 2 * q, m);
        FloatVector dr = load(xr, i0 + 3 * q, m), di = load(xi, i0 + 3 * q, m);
        FloatVector pr = ar.add(cr), pi = ai.add(ci), mr = ar.sub(cr), mi = ai.sub(ci);
        FloatVector sr = br.add(dr), si = bi.add(di);
        FloatVector jr = bi.sub(di).mul(-sign), ji = br.sub(dr).mul(sign); // +-i (b - d)
        store(pr.add(sr), yr, o, m);
        store(pi.add(si), yi, o, m);
        FloatVector t1r = mr.sub(jr), t1i = mi.sub(ji), t2r = pr.sub(sr), t2i = pi.sub(si), t3r = mr.add(jr), t3i = mi.add(ji);
        store(t1r.mul(w1r).sub(t1i.mul(w1i)), yr, o + run, m);
        store(t1r.mul(w1i).add(t1i.mul(w1r)), yi, o + run, m);
        store(t2r.mul(w2r).sub(t2i.mul(w2i)), yr, o + 2 * run, m);
        store(t2r.mul(w2i).add(t2i.mul(w2r)), yi, o + 2 * run, m);
        store(t3r.mul(w3r).sub(t3i.mul(w3i)), yr, o + 3 * run, m);
        store(t3r.mul(w3i).add(t3i.mul(w3r)), yi, o + 3 * run, m);
    }

    @Override
    public void packRadix4(float[] x, int ar, int ai, int br, int bi, float[] yr, float[] yi, int c, int lanes,
                           float w1r, float w1i, float w2r, float w2i, float w3r, float w3i) {
        int L = S.length(), l = 0;
        FloatVector zero = FloatVector.zero(S);
        for (; l <= lanes - L; l += L) {
            FloatVector a = ar < 0 ? zero : FloatVector.fromArray(S, x, ar + l), ia = ai < 0 ? zero : FloatVector.fromArray(S, x, ai + l);
            FloatVector b = br < 0 ? zero : FloatVector.fromArray(S, x, br + l), ib = bi < 0 ? zero : FloatVector.fromArray(S, x, bi + l);
            int o = c + l;
            a.add(b).intoArray(yr, o);
            ia.add(ib).intoArray(yi, o);
            FloatVector t1r = a.add(ib), t1i = ia.sub(b), t2r = a.sub(b), t2i = ia.sub(ib), t3r = a.sub(ib), t3i = ia.add(b);
            t1r.mul(w1r).sub(t1i.mul(w1i)).intoArray(yr, o + lanes);
            t1r.mul(w1i).add(t1i.mul(w1r)).intoArray(yi, o + lanes);
            t2r.mul(w2r).sub(t2i.mul(w2i)).intoArray(yr, o + 2 * lanes);
            t2r.mul(w2i).add(t2i.mul(w2r)).intoArray(yi, o + 2 * lanes);
            t3r.mul(w3r).sub(t3i.mul(w3i)).intoArray(yr, o + 3 * lanes);
            t3r.mul(w3i).add(t3i.mul(w3r)).intoArray(yi, o + 3 * lanes);
        }
        if (l < lanes) {
            packRadix4At(x, ar, ai, br, bi, l, yr, yi, c + l, lanes, w1r, w1i, w2r, w2i, w3r, w3i, S.indexInRange(l, lanes));
        }
    }

    private static void packRadix4At(float[] x, int ar, int ai, int br, int bi, int l, float[] yr, float[] yi, int o, int lanes,
                                     float w1r, float w1i, float w2r, float w2i, float w3r, float w3i, VectorMask<Float> m) {
        FloatVector a = row(x, ar, l, m), ia = row(x, ai, l, m), b = row(x, br, l, m), ib = row(x, bi, l, m);
        store(a.add(b), yr, o, m);
        store(ia.add(ib), yi, o, m);
        FloatVector t1r = a.add(ib), t1i = ia.sub(b), t2r = a.sub(b), t2i = ia.sub(ib), t3r = a.sub(ib), t3i = ia.add(b);
        store(t1r.mul(w1r).sub(t1i.mul(w1i)), yr, o + lanes, m);
        store(t1r.mul(w1i).add(t1i.mul(w1r)), yi, o + lanes, m);
        store(t2r.mul(w2r).sub(t2i.mul(w2i)), yr, o + 2 * lanes, m);
        store(t2r.mul(w2i).add(t2i.mul(w2r)), yi, o + 2 * lanes, m);
        store(t3r.mul(w3r).sub(t3i.mul(w3i)), yr, o + 3 * lanes, m);
        store(t3r.mul(w3i).add(t3i.mul(w3r)), yi, o + 3 * lanes, m);
    }

    @Override
    public void packRadix2(float[] x, int ar, int ai, float[] yr, float[] yi, int c, int lanes, float wr, float wi) {
        int L = S.length(), l = 0;
        for (; l <= lanes - L; l += L) packRadix2At(x, ar, ai, l, yr, yi, c + l, lanes, wr, wi, null);
        if (l < lanes) packRadix2At(x, ar, ai, l, yr, yi, c + l, lanes, wr, wi, S.indexInRange(l, lanes));
    }

    private static void packRadix2At(float[] x, int ar, int ai, int l, float[] yr, float[] yi, int o, int lanes,
                                     float wr, float wi, VectorMask<Float> m) {
        FloatVector a = row(x, ar, l, m), ia = row(x, ai, l, m);
        store(a, yr, o, m);
        store(ia, yi, o, m);
        store(a.mul(wr).sub(ia.mul(wi)), yr, o + lanes, m);
        store(a.mul(wi).add(ia.mul(wr)), yi, o + lanes, m);
    }

    @Override
    public void unpackRadix4(float[] xr, float[] xi, int a, int q, float sign, float[] x, int r0, int i0, int r1, int i1,
                             int lanes, boolean accumulate) {
        int L = S.length(), l = 0;
        for (; l <= lanes - L; l += L) {
            int j = a + l;
            FloatVector ar = FloatVector.fromArray(S, xr, j), ai = FloatVector.fromArray(S, xi, j);
            FloatVector br = FloatVector.fromArray(S, xr, j + q), bi = FloatVector.fromArray(S, xi, j + q);
            FloatVector cr = FloatVector.fromArray(S, xr, j + 2 * q), ci = FloatVector.fromArray(S, xi, j + 2 * q);
            FloatVector dr = FloatVector.fromArray(S, xr, j + 3 * q), di = FloatVector.fromArray(S, xi, j + 3 * q);
            FloatVector pr = ar.add(cr), pi = ai.add(ci), mr = ar.sub(cr), mi = ai.sub(ci);
            FloatVector sr = br.add(dr), si = bi.add(di);
            FloatVector jr = bi.sub(di).mul(-sign), ji = br.sub(dr).mul(sign);
            putFull(pr.add(sr), x, r0, l, accumulate);
            putFull(pi.add(si), x, i0, l, accumulate);
            putFull(mr.sub(jr), x, r1, l, accumulate);
            putFull(mi.sub(ji), x, i1, l, accumulate);
        }
        if (l < lanes) unpackRadix4At(xr, xi, a + l, q, sign, x, r0, i0, r1, i1, l, accumulate, S.indexInRange(l, lanes));
    }

    private static void unpackRadix4At(float[] xr, float[] xi, int i0, int q, float sign, float[] x, int r0, int m0, int r1, int m1,
                                       int l, boolean accumulate, VectorMask<Float> m) {
        FloatVector ar = load(xr, i0, m), ai = load(xi, i0, m), br = load(xr, i0 + q, m), bi = load(xi, i0 + q, m);
        FloatVector cr = load(xr, i0 + 2 * q, m), ci = load(xi, i0 + 2 * q, m);
        FloatVector dr = load(xr, i0 + 3 * q, m), di = load(xi, i0 + 3 * q, m);
        FloatVector pr = ar.add(cr), pi = ai.add(ci), mr = ar.sub(cr), mi = ai.sub(ci);
        FloatVector sr = br.add(dr), si = bi.add(di);
        FloatVector jr = bi.sub(di).mul(-sign), ji = br.sub(dr).mul(sign);
        put(pr.add(sr), x, r0, l, accumulate, m);
        put(pi.add(si), x, m0, l, accumulate, m);
        put(mr.sub(jr), x, r1, l, accumulate, m);
        put(mi.sub(ji), x, m1, l, accumulate, m);
    }

    /** Lanes [l, l+L) of the row at off, or zeros when off < 0. */
    private static FloatVector row(float[] x, int off, int l, VectorMask<Float> m) {
        return off < 0 ? FloatVector.zero(S) : load(x, off + l, m);
    }

    /** {@link #put} for a full vector: the unmasked loads and stores that C2 keeps in registers. */
    private static void putFull(FloatVector v, float[] x, int off, int l, boolean accumulate) {
        if (off < 0) return;
        (accumulate ? FloatVector.fromArray(S, x, off + l).add(v) : v).intoArray(x, off + l);
    }

    private static void put(FloatVector v, float[] x, int off, int l, boolean accumulate, VectorMask<Float> m) {
        if (off < 0) return;
        store(accumulate ? load(x, off + l, m).add(v) : v, x, off + l, m);
    }

    @Override
    public void splitForward(float[] zr, float[] zi, int p, int q, float wr, float wi, float[] re, float[] im, int o, int lanes) {
        int L = S.length(), l = 0;
        for (; l <= lanes - L; l += L) {
            FloatVector ar = FloatVector.fromArray(S, zr, p + l), ai = FloatVector.fromArray(S, zi, p + l);
            FloatVector br = FloatVector.fromArray(S, zr, q + l), bi = FloatVector.fromArray(S, zi, q + l).neg();
            FloatVector er = ar.add(br).mul(0.5f), ei = ai.add(bi).mul(0.5f);
            FloatVector dr = ar.sub(br), di = ai.sub(bi);
            FloatVector or = di.mul(0.5f), oi = dr.mul(-0.5f);
            er.add(or.mul(wr).sub(oi.mul(wi))).intoArray(re, o + l);
            ei.add(oi.mul(wr).add(or.mul(wi))).intoArray(im, o + l);
        }
        if (l < lanes) splitForwardAt(zr, zi, p + l, q + l, wr, wi, re, im, o + l, S.indexInRange(l, lanes));
    }

    private static void splitForwardAt(float[] zr, float[] zi, int p, int q, float wr, float wi, float[] re, float[] im, int o,
                                       VectorMask<Float> m) {
        FloatVector ar = load(zr, p, m), ai = load(zi, p, m), br = load(zr, q, m), bi = load(zi, q, m).neg();
        FloatVector er = ar.add(br).mul(0.5f), ei = ai.add(bi).mul(0.5f);
        FloatVector dr = ar.sub(br), di = ai.sub(bi);
        FloatVector or = di.mul(0.5f), oi = dr.mul(-0.5f);
        store(er.add(or.mul(wr).sub(oi.mul(wi))), re, o, m);
        store(ei.add(oi.mul(wr).add(or.mul(wi))), im, o, m);
    }

    @Override
    public void splitInverse(float[] re, float[] im, int p, int q, boolean first, float wr, float wi, float scale,
                             float[] zr, float[] zi, int o, int lanes) {
        int L = S.length(), l = 0;
        if (!first) {
            for (; l <= lanes - L; l += L) {
                FloatVector ar = FloatVector.fromArray(S, re, p + l), br = FloatVector.fromArray(S, re, q + l);
                FloatVector ai = FloatVector.fromArray(S, im, p + l), bi = FloatVector.fromArray(S, im, q + l).neg();
                FloatVector er = ar.add(br).mul(0.5f), ei = ai.add(bi).mul(0.5f);
                FloatVector dr = ar.sub(br).mul(0.5f), di = ai.sub(bi).mul(0.5f);
                FloatVector or = dr.mul(wr).sub(di.mul(wi)), oi = dr.mul(wi).add(di.mul(wr));
                er.sub(oi).mul(scale).intoArray(zr, o + l);
                ei.add(or).mul(scale).intoArray(zi, o + l);
            }
        }
        for (; l <= lanes - L; l += L) splitInverseAt(re, im, p + l, q + l, first, wr, wi, scale, zr, zi, o + l, null);
        if (l < lanes) splitInverseAt(re, im, p + l, q + l, first, wr, wi, scale, zr, zi, o + l, S.indexInRange(l, lanes));
    }

    private static void splitInverseAt(float[] re, float[] im, int p, int q, boolean first, float wr, float wi, float scale,
                                       float[] zr, float[] zi, int o, VectorMask<Float> m) {
        FloatVector ar = load(re, p, m), br = load(re, q, m);
        FloatVector ai = first ? FloatVector.zero(S) : load(im, p, m);
        FloatVector bi = first ? FloatVector.zero(S) : load(im, q, m).neg();
        FloatVector er = ar.add(br).mul(0.5f), ei = ai.add(bi).mul(0.5f);
        FloatVector dr = ar.sub(br).mul(0.5f), di = ai.sub(bi).mul(0.5f);
        FloatVector or = dr.mul(wr).sub(di.mul(wi)), oi = dr.mul(wi).add(di.mul(wr));
        store(er.sub(oi).mul(scale), zr, o, m);
        store(ei.add(or).mul(scale), zi, o, m);
    }

    @Override
    public void multiply(float[] ar, float[] ai, int aOff, float[] br, float[] bi, int bOff, boolean conjB,
                         float[] outR, float[] outI, int outOff, int n) {
        float sign = conjB ? -1f : 1f;
        int i = 0;
        for (; i <= n - S.length(); i += S.length()) {
            FloatVector xr = FloatVector.fromArray(S, ar, aOff + i), xi = FloatVector.fromArray(S, ai, aOff + i);
            FloatVector yr = FloatVector.fromArray(S, br, bOff + i), yi = FloatVector.fromArray(S, bi, bOff + i).mul(sign);
            xr.mul(yr).sub(xi.mul(yi)).intoArray(outR, outOff + i);
            xr.mul(yi).add(xi.mul(yr)).intoArray(outI, outOff + i);
        }
        for (; i < n; i += S.length()) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector xr = load(ar, aOff + i, m), xi = load(ai, aOff + i, m);
            FloatVector yr = load(br, bOff + i, m), yi = load(bi, bOff + i, m).mul(sign);
            store(xr.mul(yr).sub(xi.mul(yi)), outR, outOff + i, m);
            store(xr.mul(yi).add(xi.mul(yr)), outI, outOff + i, m);
        }
    }

    @Override
    public void accumulateConjugateProduct(float[] ar, float[] ai, int aOff, float[] br, float[] bi, int bOff,
                                           float[] gr, float[] gi, int gOff, int n) {
        int i = 0;
        for (; i <= n - S.length(); i += S.length()) {
            FloatVector xr = FloatVector.fromArray(S, ar, aOff + i), xi = FloatVector.fromArray(S, ai, aOff + i);
            FloatVector yr = FloatVector.fromArray(S, br, bOff + i), yi = FloatVector.fromArray(S, bi, bOff + i);
            FloatVector.fromArray(S, gr, gOff + i).add(xr.mul(yr).add(xi.mul(yi))).intoArray(gr, gOff + i);
            FloatVector.fromArray(S, gi, gOff + i).add(xr.mul(yi).sub(xi.mul(yr))).intoArray(gi, gOff + i);
        }
        for (; i < n; i += S.length()) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector xr = load(ar, aOff + i, m), xi = load(ai, aOff + i, m);
            FloatVector yr = load(br, bOff + i, m), yi = load(bi, bOff + i, m);
            store(load(gr, gOff + i, m).add(xr.mul(yr).add(xi.mul(yi))), gr, gOff + i, m);
            store(load(gi, gOff + i, m).add(xr.mul(yi).sub(xi.mul(yr))), gi, gOff + i, m);
        }
    }

    @Override
    public void accumulate(float[] src, int s, float[] x, int d, int lanes) {
        int L = S.length(), l = 0;
        for (; l <= lanes - L; l += L) FloatVector.fromArray(S, x, d + l).add(FloatVector.fromArray(S, src, s + l)).intoArray(x, d + l);
        if (l < lanes) {
            VectorMask<Float> m = S.indexInRange(l, lanes);
            load(x, d + l, m).add(load(src, s + l, m)).intoArray(x, d + l, m);
        }
    }

    private static FloatVector load(float[] a, int i, VectorMask<Float> m) {
        return m == null ? FloatVector.fromArray(S, a, i) : FloatVector.fromArray(S, a, i, m);
    }

    private static void store(FloatVector v, float[] a, int i, VectorMask<Float> m) {
        if (m == null) v.intoArray(a, i);
        else v.intoArray(a, i, m);
    }
}
