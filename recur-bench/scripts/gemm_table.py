#!/usr/bin/python3
"""Tabulates GEMM JSON lines (GemmBenchRunner and peers/numpy_sgemm.py): median GFLOP/s over rounds
per (shape, threads), Recur with B unpacked and packed beside OpenBLAS, as a Markdown table.

  gemm_table.py recur.jsonl openblas.jsonl
"""
import json
import statistics
import sys
from collections import defaultdict


def main(paths):
    runs = defaultdict(list)  # (impl, packed, shape, threads) -> [gflops]
    shape_order = []
    clocks = set()
    for path in paths:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line.startswith("{"):
                    continue
                r = json.loads(line)
                clocks.add(r.get("clock", "wall"))
                impl = "openblas" if r["impl"].startswith("numpy") else r["impl"]
                packed = str(r.get("packed")).lower() == "true"
                runs[(impl, packed, r["shape"], int(r["threads"]))].append(float(r["gflops"]))
                if r["shape"] not in shape_order:
                    shape_order.append(r["shape"])

    def med(key):
        v = runs.get(key)
        return (statistics.median(v), len(v)) if v else (None, 0)

    def fmt(x):
        return "—" if x is None else f"{x:.1f}"

    def ratio(a, b):
        return "—" if a is None or b is None else f"{a / b:.2f}"

    if clocks == {"cpu"}:
        print("GFLOP/s per CPU-second of the calling thread (one thread).\n")
    elif len(clocks) > 1:
        sys.exit("gemm_table: the files mix wall-clock and CPU-time results")
    print("| shape (MxKxN) | threads | Recur | Recur, packed B | OpenBLAS | Recur / OpenBLAS | packed / OpenBLAS | rounds |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    threads = sorted({key[3] for key in runs})
    for shape in shape_order:
        for t in threads:
            (rec, n1), (pk, n2), (ob, n3) = med(("recur", False, shape, t)), med(("recur", True, shape, t)), med(("openblas", False, shape, t))
            if rec is None and pk is None and ob is None:
                continue
            print(f"| {shape} | {t} | {fmt(rec)} | {fmt(pk)} | {fmt(ob)} | {ratio(rec, ob)} | {ratio(pk, ob)} | {min(n for n in (n1, n2, n3) if n) } |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
