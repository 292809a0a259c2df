#!/usr/bin/python3
"""PyTorch (CPU) peer of `recur bench`: one process is one run of one suite at one thread count.

Speaks the bench workers' protocol (dev.recur.bench.harness.WorkerProtocol): cases arrive as
`cell:hidden:steps:batch:modes` specs (rnn suite; modes: t = training step, i = inference) or
`cell:hidden:batch` (stream suite), and every figure leaves as one JSON line
  {"suite", "case", "system": "torch", "metric", "unit", "value"}
on stdout. Cells: lstm (nn.LSTM), gru (nn.GRU), rnn (nn.RNN, tanh). Inputs are time-major
(T, B, I), Recur's layout, so neither side transposes.

The training step is forward, mean of the output, backward and an SGD step (what Recur's worker
and the Deeplearning4j worker time too: a parameter-free loss, so only the recurrent layer is
measured); inference runs under torch.no_grad(); streaming calls the module on one time step with
the carried state. torch_rnn.py beside this file is the classic layers' own comparison
(dev.recur.bench.rnn.RnnBench: AdamW and a softmax head, 1 and 2 threads in one process); this
script is the `recur bench` worker, one process per thread count. The thread count is fixed by the caller (--threads, and OMP_NUM_THREADS in the
environment), since torch's intra-op pool is sized once.

  torch_bench.py --suite rnn|stream --cases lstm:256:128:32:ti,... --threads 1 [--input 64]
                 [--warmup 0.5] [--min-time 1.0] [--max-samples 5] [--steps 2000]
"""
import argparse
import json
import math
import statistics
import sys
import time

GATES = {"lstm": 4, "gru": 3, "rnn": 1}


def emit(suite, case, metric, unit, value):
    print(json.dumps({"suite": suite, "case": case, "system": "torch", "metric": metric, "unit": unit,
                      "value": value if math.isfinite(value) else None}), flush=True)


def reset_peak_rss():
    """Resets this process's RSS high-water mark (Linux >= 4.0) so each case reports its own peak."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass  # the peak then covers the process so far


def peak_rss_mib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


WARMUP = 0.5  # seconds, from --warmup


def timed(op, min_time, max_samples, warmup=None):
    """Median seconds per call: warm-up calls for WARMUP seconds and until a call is no more than 10 %
    faster than the fastest before it (capped at 10x the warm-up time), then samples until min_time
    has passed (at least one, at most max_samples): the loop of Recur's Timing.medianSeconds."""
    nominal = WARMUP if warmup is None else warmup
    w0 = time.perf_counter()
    best = float("inf")
    calls = 0
    while True:
        t = time.perf_counter()
        op()
        now = time.perf_counter()
        calls += 1
        last, elapsed = now - t, now - w0
        if elapsed >= 10 * nominal or (elapsed >= nominal and calls >= 2 and last >= 0.9 * best):
            break
        best = min(best, last)
    samples = []
    start = time.perf_counter()
    while True:
        t = time.perf_counter()
        op()
        samples.append(time.perf_counter() - t)
        if len(samples) >= max_samples or time.perf_counter() - start >= min_time:
            break
    return statistics.median(samples)


def module(torch, cell, inp, hidden):
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
    return cls(inp, hidden)


def sgemm_gflops(torch, m, k, n):
    """torch.mm at the recurrent step's shape (batch x hidden times hidden x gates*hidden)."""
    a, b, c = torch.rand(m, k), torch.rand(k, n), torch.empty(m, n)
    s = timed(lambda: torch.mm(a, b, out=c), 0.3, 9, warmup=0.1)
    return 2.0 * m * k * n / s / 1e9


def rnn_case(torch, spec, inp, min_time, max_samples):
    cell, hidden, steps, batch = spec[0], int(spec[1]), int(spec[2]), int(spec[3])
    modes = spec[4] if len(spec) > 4 else "ti"
    name = f"{cell} H={hidden} T={steps} B={batch}"
    reset_peak_rss()
    torch.manual_seed(42)
    m = module(torch, cell, inp, hidden)
    x = torch.rand(steps, batch, inp) - 0.5
    tokens = batch * steps
    flops = 2.0 * GATES[cell] * hidden * (inp + hidden) * tokens
    sgemm = sgemm_gflops(torch, batch, hidden, GATES[cell] * hidden)
    emit("rnn", name, "sgemm_gflops", "GFLOP/s", sgemm)
    if "t" in modes:
        opt = torch.optim.SGD(m.parameters(), lr=0.01)

        def train():
            opt.zero_grad()
            out, _ = m(x)
            out.mean().backward()
            opt.step()
        s = timed(train, min_time, max_samples)
        emit("rnn", name, "train_tokens_per_s", "tokens/s", tokens / s)
        emit("rnn", name, "train_gflops", "GFLOP/s", 3 * flops / s / 1e9)
        emit("rnn", name, "train_sgemm_fraction", "ratio", 3 * flops / s / 1e9 / sgemm)
    if "i" in modes:
        with torch.no_grad():
            s = timed(lambda: m(x), min_time, max_samples)
        emit("rnn", name, "infer_tokens_per_s", "tokens/s", tokens / s)
        emit("rnn", name, "infer_gflops", "GFLOP/s", flops / s / 1e9)
        emit("rnn", name, "infer_sgemm_fraction", "ratio", flops / s / 1e9 / sgemm)
    emit("rnn", name, "peak_rss", "MiB", peak_rss_mib())


def stream_case(torch, spec, inp, steps):
    cell, hidden, batch = spec[0], int(spec[1]), int(spec[2])
    name = f"{cell} H={hidden} B={batch}"
    torch.manual_seed(42)
    m = module(torch, cell, inp, hidden)
    x = torch.rand(1, batch, inp) - 0.5
    with torch.no_grad():
        state = None
        for _ in range(max(200, steps // 4)):  # warm-up
            _, state = m(x, state)
        state = None
        lat = []
        t0 = time.perf_counter()
        for _ in range(steps):
            t = time.perf_counter()
            _, state = m(x, state)
            lat.append(time.perf_counter() - t)
        total = time.perf_counter() - t0
    lat.sort()
    emit("stream", name, "steps_per_s", "steps/s", steps / total)
    emit("stream", name, "p50_latency", "us", lat[steps // 2] * 1e6)
    emit("stream", name, "p99_latency", "us", lat[min(steps - 1, math.ceil(steps * 0.99) - 1)] * 1e6)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", required=True, choices=["rnn", "stream"])
    ap.add_argument("--cases", required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--input", type=int, default=64)
    ap.add_argument("--warmup", type=float, default=0.5)
    ap.add_argument("--min-time", type=float, default=1.0)
    ap.add_argument("--max-samples", type=int, default=5)
    ap.add_argument("--steps", type=int, default=2000)
    args = ap.parse_args()
    global WARMUP
    WARMUP = args.warmup
    import torch
    torch.set_num_threads(args.threads)
    print(json.dumps({"info": {"system": "torch", "version": torch.__version__, "threads": torch.get_num_threads(),
                               "python": sys.version.split()[0]}}), flush=True)
    for case in args.cases.split(","):
        spec = case.split(":")
        if spec[0] not in GATES:
            print(json.dumps({"unsupported": {"suite": args.suite, "case": case,
                                              "why": f"torch peer has no '{spec[0]}' cell"}}), flush=True)
            continue
        if args.suite == "rnn":
            rnn_case(torch, spec, args.input, args.min_time, args.max_samples)
        else:
            stream_case(torch, spec, args.input, args.steps)


if __name__ == "__main__":
    main()
