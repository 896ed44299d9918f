#!/usr/bin/python3
"""The rows of `./hubel bench` run with PyTorch, for side-by-side ratios; also exports the
inference models to ONNX for `./hubel bench --compare`'s ONNX Runtime column.

Run with Debian's python3-torch (scripts/ensure-torch installs it with OpenBLAS), same thread count as Hubel:
    /usr/bin/python3 bench/compare_torch.py --threads 2 [--runs 5] [--json FILE] [--onnx-dir DIR] [--only a,b]
`./hubel bench --compare` runs it itself. Each row: median, min and max of several timed runs after
warm-up, timed as Hubel's Timing.of does (the first call apart, then at least two calls and a
second of warm-up, then runs of at least 0.3 s each). The models are Hubel's zoo written out in
torch.nn (torchvision is not needed): same layers, same shapes, same parameter counts.
"""
import argparse
import json
import os
import statistics
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---- the zoo, as Hubel builds it ----

def lenet5():  # 28x28 input, padded by 2 in C1 (Zoo lenet5 with a 28x28 input)
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(16, 120, 5), nn.ReLU(), nn.Flatten(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


class CifarBlock(nn.Module):
    """He et al.'s CIFAR block with option A shortcuts (every second pixel, zero channels)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.stride, self.extra = stride, cout - cin

    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        s = x[:, :, ::2, ::2] if self.stride == 2 else x
        if self.extra:
            s = F.pad(s, (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))
        return F.relu(y + s)


def resnet20():
    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for stage, f in enumerate([16, 32, 64]):
        for b in range(3):
            layers.append(CifarBlock(cin, f, 2 if stage > 0 and b == 0 else 1))
            cin = f
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


def alexnet():  # one tower, LRN after the first two pools, as Hubel's zoo
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, 4), nn.ReLU(), nn.MaxPool2d(3, 2), nn.LocalResponseNorm(5, 1e-4, 0.75, 2),
        nn.Conv2d(96, 256, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.LocalResponseNorm(5, 1e-4, 0.75, 2),
        nn.Conv2d(256, 384, 3, 1, 1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, 1, 1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 1000))


def vgg16():
    layers, cin = [], 3
    for v in [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(cin, v, 3, 1, 1), nn.ReLU()]
            cin = v
    layers += [nn.Flatten(), nn.Linear(25088, 4096), nn.ReLU(), nn.Dropout(0.5),
               nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 1000)]
    return nn.Sequential(*layers)


class Bottleneck(nn.Module):
    """torchvision's ResNet v1.5 block: the stride on the 3x3, a projection where the shape changes."""

    def __init__(self, cin, width, stride):
        super().__init__()
        cout = 4 * width
        self.c1, self.b1 = nn.Conv2d(cin, width, 1, bias=False), nn.BatchNorm2d(width)
        self.c2, self.b2 = nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width)
        self.c3, self.b3 = nn.Conv2d(width, cout, 1, bias=False), nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = F.relu(self.b2(self.c2(y)))
        y = self.b3(self.c3(y))
        return F.relu(y + (x if self.down is None else self.down(x)))


def resnet50():
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for stage, (width, blocks) in enumerate([(64, 3), (128, 4), (256, 6), (512, 3)]):
        for b in range(blocks):
            layers.append(Bottleneck(cin, width, 2 if stage > 0 and b == 0 else 1))
            cin = 4 * width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 1000)]
    return nn.Sequential(*layers)


class AlphaGoPolicy(nn.Module):
    """Silver et al.'s policy network: 5x5 then eleven 3x3 convolutions of 192, a 1x1 to one plane."""

    def __init__(self, board=19, filters=192):
        super().__init__()
        convs = [nn.Conv2d(48, filters, 5, 1, 2)] + [nn.Conv2d(filters, filters, 3, 1, 1) for _ in range(11)]
        self.convs = nn.ModuleList(convs)
        self.last = nn.Conv2d(filters, 1, 1)
        self.probabilities = False

    def forward(self, x):
        for c in self.convs:
            x = F.relu(c(x))
        logits = self.last(x).flatten(1)
        return F.softmax(logits, dim=1) if self.probabilities else logits


MODELS = {"lenet5": lenet5, "resnet20": resnet20, "alexnet": alexnet, "vgg16": vgg16, "resnet50": resnet50,
          "alphago-policy": AlphaGoPolicy}

# name, unit, model, input (C, H, W), batch, training; the same list as BenchCommand's
ROWS = [
    ("lenet5_train_b64", "img/s", "lenet5", (1, 28, 28), 64, True),
    ("resnet20_train_b128", "img/s", "resnet20", (3, 32, 32), 128, True),
    ("alexnet_infer_b1", "ms/batch", "alexnet", (3, 227, 227), 1, False),
    ("alexnet_infer_b16", "ms/batch", "alexnet", (3, 227, 227), 16, False),
    ("alexnet_train_b16", "img/s", "alexnet", (3, 227, 227), 16, True),
    ("resnet50_infer_b1", "ms/batch", "resnet50", (3, 224, 224), 1, False),
    ("resnet50_infer_b8", "ms/batch", "resnet50", (3, 224, 224), 8, False),
    ("vgg16_infer_b1", "ms/batch", "vgg16", (3, 224, 224), 1, False),
    ("alphago_infer_b16", "ms/batch", "alphago-policy", (48, 19, 19), 16, False),
    ("alphago_train_b16", "img/s", "alphago-policy", (48, 19, 19), 16, True),
]


# ---- timing, as Hubel's Timing.of ----

def timing(call, runs, items_per_call):
    t = time.perf_counter()
    call()
    first = (time.perf_counter() - t) * 1e3
    warm, calls = time.perf_counter(), 0
    while calls < 2 or time.perf_counter() - warm < 1.0:
        call()
        calls += 1
    per_call = (time.perf_counter() - warm) / calls
    reps = max(1, int(0.3 / per_call + 0.999))
    values = []
    for _ in range(runs):
        t = time.perf_counter()
        for _ in range(reps):
            call()
        seconds = (time.perf_counter() - t) / reps
        values.append(items_per_call / seconds if items_per_call else seconds * 1e3)
    return first, values


def sgemm(m, n, k, runs):
    a, b = torch.rand(m, k) * 2 - 1, torch.rand(k, n) * 2 - 1
    c = torch.empty(m, n)
    return timing(lambda: torch.mm(a, b, out=c), runs, 2.0 * m * n * k / 1e9)


def model_row(model_name, shape, batch, training, runs, onnx_dir):
    torch.manual_seed(1)
    model = MODELS[model_name]()
    x = torch.rand(batch, *shape) * 2 - 1
    if training:
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
        classes = model(x[:1]).shape[1]
        y = (torch.arange(batch) * 7) % classes
        loss_fn = nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
        return timing(step, runs, batch)
    model.eval()
    if isinstance(model, AlphaGoPolicy):
        model.probabilities = True  # Hubel's policy ends in its softmax over the board
    if onnx_dir:
        export(model, model_name, shape, onnx_dir)

    def infer():
        with torch.no_grad():
            model(x)
    return timing(infer, runs, 0)


def export(model, model_name, shape, onnx_dir):
    path = os.path.join(onnx_dir, model_name + ".onnx")
    if os.path.exists(path):
        return
    os.makedirs(onnx_dir, exist_ok=True)
    warnings.filterwarnings("ignore")  # torch 1.13's exporter warns about constant folding of slices
    torch.onnx.export(model, torch.zeros(1, *shape), path, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
    print(f"(exported {path})")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json", help="write the rows to this file")
    p.add_argument("--onnx-dir", help="export the inference models to DIR/<model>.onnx")
    p.add_argument("--only", help="comma-separated row names")
    p.add_argument("--quiet", action="store_true", help="print the rows only (hubel bench --compare runs one at a time)")
    args = p.parse_args()
    only = set(args.only.split(",")) if args.only else None
    torch.set_num_threads(args.threads)
    if not args.quiet:
        print(f"torch {torch.__version__}: {torch.get_num_threads()} threads, {args.runs} runs per row")
        print(f"{'name':<24} {'median':>10} {'min':>10} {'max':>10}  {'unit':<8} {'first ms':>9}")
    rows = [("sgemm_1024", "GFLOP/s", lambda: sgemm(1024, 1024, 1024, args.runs)),
            ("sgemm_conv64x3136x576", "GFLOP/s", lambda: sgemm(64, 3136, 576, args.runs))]
    for name, unit, model_name, shape, batch, training in ROWS:
        rows.append((name, unit, lambda m=model_name, s=shape, b=batch, t=training:
                     model_row(m, s, b, t, args.runs, args.onnx_dir)))
    out = []
    for name, unit, measure in rows:
        if only is not None and name not in only:
            continue
        first, v = measure()
        med = statistics.median(v)
        label = "" if args.quiet else name
        print(f"{label:<{16 if args.quiet else 24}} {med:10.1f} {min(v):10.1f} {max(v):10.1f}  {unit:<8} {first:9.0f}", flush=True)
        out.append({"name": name, "unit": unit, "value": med, "min": min(v), "max": max(v), "first_ms": first,
                    "runs": v})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "threads": args.threads, "rows": out}, f, indent=1)


if __name__ == "__main__":
    main()
