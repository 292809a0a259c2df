#!/usr/bin/python3
"""NumPy/OpenBLAS peer for the GEMM benchmarks: float32 C = A @ B (row-major, C preallocated).

Prints one JSON line per (shape, threads), the format of dev.recur.bench.gemm.GemmBenchRunner:
  {"impl": "numpy-openblas", "shape": "MxKxN", "m":.., "k":.., "n":.., "threads":.., "packed": false,
   "seconds": <median per product>, "gflops":.., "blas": "<OpenBLAS config>"}

OpenBLAS fixes its thread count when it loads, so each thread count runs in a child process with
OPENBLAS_NUM_THREADS (and OMP/MKL counterparts) set. Run with /usr/bin/python3 (Debian's NumPy).

--clock cpu times samples in CPU time of the calling thread instead of wall time (single thread
only: OpenBLAS then computes on the calling thread), for machines shared with other work; the
lines then carry "clock": "cpu". The Recur counterpart is dev.recur.bench.gemm.GemmCpuTimeRunner.

  numpy_sgemm.py [--shapes 1024x1024x1024,32x256x1024] [--threads 1,2] [--repeats 15] [--min-time 0.05]
                 [--clock wall|cpu]
"""
import argparse
import json
import os
import subprocess
import sys
import time

DEFAULT_SHAPES = "256x256x256,512x512x512,1024x1024x1024,2048x2048x2048,32x256x1024,1x256x1024"


def parse_shape(s):
    parts = s.strip().split("x")
    if len(parts) != 3:
        raise SystemExit(f"numpy_sgemm: shape must be MxKxN, found '{s}'")
    return tuple(int(p) for p in parts)


def blas_config(np):
    """The OpenBLAS build and kernel in use, read from the library NumPy loaded (best effort)."""
    try:
        import ctypes
        paths = {line.split()[-1] for line in open("/proc/self/maps") if "blas" in line and ".so" in line}
        for path in sorted(paths):
            lib = ctypes.CDLL(path)
            if hasattr(lib, "openblas_get_config"):
                lib.openblas_get_config.restype = ctypes.c_char_p
                lib.openblas_get_corename.restype = ctypes.c_char_p
                return f"{lib.openblas_get_config().decode()} core={lib.openblas_get_corename().decode()}"
    except Exception:  # the label is informative only
        pass
    return f"numpy {np.__version__}"


def measure(shapes, threads, repeats, min_time, clock):
    import numpy as np
    config = blas_config(np)
    now = time.thread_time if clock == "cpu" else time.perf_counter
    rng = np.random.default_rng(42)
    for (m, k, n) in shapes:
        a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
        c = np.empty((m, n), dtype=np.float32)
        np.matmul(a, b, out=c)
        # Calls per sample: enough for min_time, so that timer resolution and call overhead average out.
        t = now()
        np.matmul(a, b, out=c)
        once = max(now() - t, 1e-7)
        calls = max(1, int(min_time / once))
        for _ in range(min(calls, 50)):  # warm-up
            np.matmul(a, b, out=c)
        samples = []
        for _ in range(repeats):
            t = now()
            for _ in range(calls):
                np.matmul(a, b, out=c)
            samples.append((now() - t) / calls)
        samples.sort()
        seconds = samples[len(samples) // 2]
        clock_field = {"clock": "cpu"} if clock == "cpu" else {}
        print(json.dumps({"impl": "numpy-openblas", **clock_field, "shape": f"{m}x{k}x{n}", "m": m, "k": k, "n": n,
                          "threads": threads, "packed": False, "seconds": seconds,
                          "gflops": round(2.0 * m * k * n / seconds / 1e9, 2), "blas": config}), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shapes", default=DEFAULT_SHAPES)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--min-time", type=float, default=0.05, help="seconds per sample")
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    shapes = [parse_shape(s) for s in args.shapes.split(",") if s.strip()]
    if args.child is not None:
        measure(shapes, args.child, args.repeats, args.min_time, args.clock)
        return
    if args.clock == "cpu" and args.threads.strip() != "1":
        raise SystemExit("numpy_sgemm: --clock cpu measures one thread; use --threads 1")
    for t in (int(x) for x in args.threads.split(",")):
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(t), OMP_NUM_THREADS=str(t), MKL_NUM_THREADS=str(t))
        cmd = [sys.executable, os.path.abspath(__file__), "--child", str(t), "--shapes", args.shapes,
               "--repeats", str(args.repeats), "--min-time", str(args.min_time), "--clock", args.clock]
        subprocess.run(cmd, env=env, check=True)


if __name__ == "__main__":
    main()
