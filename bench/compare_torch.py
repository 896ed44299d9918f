#!/usr/bin/python3
"""The rows of `./hubel bench` run with PyTorch, for side-by-side ratios.

Run with Debian's python3-torch (scripts/ensure-torch installs it with OpenBLAS), same thread count as Hubel:
    /usr/bin/python3 bench/compare_torch.py --threads 2
Each row: median, min and max of several timed runs after warm-up.
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(16, 120, 5), nn.ReLU(), nn.Flatten(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def sgemm(m, n, k):
    a, b = torch.rand(m, k) * 2 - 1, torch.rand(k, n) * 2 - 1
    reps = max(1, int(2e9 / (2.0 * m * n * k)))
    t = time.perf_counter()
    for _ in range(reps):
        torch.mm(a, b)
    return 2.0 * m * n * k * reps / (time.perf_counter() - t) / 1e9


def lenet_train(batch):
    torch.manual_seed(1)
    model = lenet5()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x = torch.rand(batch, 1, 32, 32) * 2 - 1
    y = torch.arange(batch) % 10
    loss_fn = nn.CrossEntropyLoss()
    steps = max(10, 6000 // batch)
    t = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return steps * batch / (time.perf_counter() - t)


def row(name, unit, measure, runs):
    measure()
    measure()
    v = sorted(measure() for _ in range(runs))
    print(f"{name:<34} {statistics.median(v):10.1f} {v[0]:10.1f} {v[-1]:10.1f}  {unit}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}: {torch.get_num_threads()} threads, {args.runs} runs per row")
    print(f"{'name':<34} {'median':>10} {'min':>10} {'max':>10}  unit")
    torch.set_num_threads(1)
    row("sgemm_1024 (1 thread)", "GFLOP/s", lambda: sgemm(1024, 1024, 1024), args.runs)
    row("sgemm_conv64x3136x576 (1 thread)", "GFLOP/s", lambda: sgemm(64, 3136, 576), args.runs)
    torch.set_num_threads(args.threads)
    row("lenet5_train_b32", "img/s", lambda: lenet_train(32), args.runs)
    row("lenet5_train_b64", "img/s", lambda: lenet_train(64), args.runs)


if __name__ == "__main__":
    main()
