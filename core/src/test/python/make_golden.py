"""Golden values from PyTorch for Hubel's op tests (core/src/test/java/dev/hubel/op/GoldenTest.java).

Regenerate, from the repository root, with Debian's Python (scripts/ensure-torch installs torch there;
the pyenv python3 on PATH has no torch):

    /usr/bin/python3 core/src/test/python/make_golden.py

It rewrites core/src/test/resources/golden/*.json. The output is deterministic (fixed seeds, CPU,
float32). Every case holds its config, the input shape (per example, C x H x W or a vector), the
batch size n and flat float arrays in NCHW order: x, params (weight then bias, PyTorch layout,
which is Hubel's), y, an upstream gradient gy, and autograd's gx and gparams.

LeNet-5 has 61,706 parameters, too many to store three times. Its input and weights therefore come
from a hash both sides compute (hash_uniform below, HashInit.java in the tests), and for the two big
weight tensors the file stores 256 sampled entries plus a hash-weighted projection of the gradient.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")
torch.set_default_dtype(torch.float32)
torch.set_num_threads(1)


def short(v):
    """The shortest decimal that reads back as the same float32 (keeps the files small)."""
    return float(repr(np.float32(v)))


def flat(t):
    return [short(v) for v in t.detach().reshape(-1).tolist()]


def case(name, op, config, x, params, fn):
    """Runs fn(x, *params) with autograd against a random upstream gradient."""
    x = x.clone().requires_grad_(True)
    params = [p.clone().requires_grad_(True) for p in params]
    y = fn(x, *params)
    gy = torch.randn_like(y)
    y.backward(gy)
    return {
        "name": name,
        "op": op,
        "config": config,
        "input": list(x.shape[1:]),
        "n": x.shape[0],
        "x": flat(x),
        "params": [flat(p) for p in params],
        "y": flat(y),
        "outputShape": list(y.shape[1:]),
        "gy": flat(gy),
        "gx": flat(x.grad),
        "gparams": [flat(p.grad) for p in params],
    }


def conv(name, n, c, h, w, f, fh, fw, stride, pad, fit):
    x = torch.randn(n, c, h, w)
    wt = torch.randn(f, c, fh, fw) / math.sqrt(c * fh * fw)
    b = torch.randn(f) * 0.1
    cfg = {"filters": f, "fh": fh, "fw": fw, "stride": stride, "pad": pad, "fit": fit}
    # PyTorch's convolution floors; the EXACT cases are sized so that there is nothing to floor
    return case(name, "conv2d", cfg, x, [wt, b], lambda x, wt, b: F.conv2d(x, wt, b, stride=stride, padding=pad))


def pool(kind, name, n, c, h, w, size, stride, pad, fit):
    x = torch.randn(n, c, h, w)
    cfg = {"size": size, "stride": stride, "pad": pad, "fit": fit}
    ceil = fit == "CEIL"
    if kind == "maxpool2d":
        fn = lambda x: F.max_pool2d(x, size, stride, pad, ceil_mode=ceil)
    else:  # count_include_pad=True is PyTorch's default, and Hubel's rule
        fn = lambda x: F.avg_pool2d(x, size, stride, pad, ceil_mode=ceil, count_include_pad=True)
    return case(name, kind, cfg, x, [], fn)


def dense(name, n, shape, units):
    x = torch.randn(n, *shape)
    d = math.prod(shape)
    wt = torch.randn(units, d) / math.sqrt(d)
    b = torch.randn(units) * 0.1
    # Hubel's FC reads any input volume flattened in NCHW order
    return case(name, "dense", {"units": units}, x, [wt, b], lambda x, wt, b: F.linear(x.flatten(1), wt, b))


def write(file, cases):
    path = os.path.join(OUT, file)
    with open(path, "w") as fh:
        json.dump(cases, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"{path}: {len(cases)} cases, {os.path.getsize(path)} bytes")


def conv_cases():
    torch.manual_seed(1)
    return [
        conv("3x5 filter on 7x9, 2 channels, batch 2", 2, 2, 7, 9, 3, 3, 5, 1, 0, "EXACT"),
        conv("3x3 stride 2 pad 1 on 7x7", 1, 3, 7, 7, 4, 3, 3, 2, 1, "EXACT"),
        conv("5x5 pad 2 on 6x8, batch 3", 3, 2, 6, 8, 2, 5, 5, 1, 2, "EXACT"),
        conv("1x1 (no im2col) on 5x6, batch 3", 3, 4, 5, 6, 3, 1, 1, 1, 0, "EXACT"),
        conv("1x1 stride 2 on 5x5", 2, 3, 5, 5, 2, 1, 1, 2, 0, "EXACT"),
        conv("2x3 stride 2 pad 1 on 6x7", 2, 2, 6, 7, 3, 2, 3, 2, 1, "EXACT"),
        conv("3x3 stride 2 FLOOR on 8x8", 2, 2, 8, 8, 3, 3, 3, 2, 0, "FLOOR"),
        conv("4x2 stride 3 pad 1 FLOOR on 9x10", 1, 2, 9, 10, 2, 4, 2, 3, 1, "FLOOR"),
    ]


def maxpool_cases():
    torch.manual_seed(2)
    return [
        pool("maxpool2d", "2x2 stride 2 on 4x6, batch 2", 2, 2, 4, 6, 2, 2, 0, "EXACT"),
        pool("maxpool2d", "3x3 stride 2 overlapping on 7x9", 2, 3, 7, 9, 3, 2, 0, "EXACT"),
        pool("maxpool2d", "3x3 stride 2 pad 1 on 7x7", 1, 2, 7, 7, 3, 2, 1, "EXACT"),
        pool("maxpool2d", "2x2 stride 2 FLOOR on 5x7", 2, 2, 5, 7, 2, 2, 0, "FLOOR"),
        pool("maxpool2d", "3x3 stride 2 CEIL on 6x8", 2, 2, 6, 8, 3, 2, 0, "CEIL"),
        pool("maxpool2d", "3x3 stride 2 pad 1 CEIL on 6x6", 1, 2, 6, 6, 3, 2, 1, "CEIL"),
        # windows overlap so much that a pixel wins several: its gradients must add up
        pool("maxpool2d", "3x3 stride 1 on 5x5 (pixels win several windows)", 2, 2, 5, 5, 3, 1, 0, "EXACT"),
    ]


def avgpool_cases():
    torch.manual_seed(3)
    return [
        pool("avgpool2d", "2x2 stride 2 on 4x6, batch 2", 2, 2, 4, 6, 2, 2, 0, "EXACT"),
        pool("avgpool2d", "3x3 stride 2 overlapping on 7x9", 2, 3, 7, 9, 3, 2, 0, "EXACT"),
        pool("avgpool2d", "3x3 stride 1 pad 1 on 5x6 (padding counts)", 2, 2, 5, 6, 3, 1, 1, "EXACT"),
        pool("avgpool2d", "2x2 stride 2 FLOOR on 5x7", 1, 2, 5, 7, 2, 2, 0, "FLOOR"),
        pool("avgpool2d", "3x3 stride 2 CEIL on 6x8", 2, 2, 6, 8, 3, 2, 0, "CEIL"),
        pool("avgpool2d", "3x3 stride 2 pad 1 CEIL on 6x6", 1, 2, 6, 6, 3, 2, 1, "CEIL"),
    ]


def dense_cases():
    torch.manual_seed(4)
    return [
        dense("vector of 7 to 5 units, batch 3", 3, [7], 5),
        dense("3x4x2 volume to 6 units, batch 2", 2, [2, 3, 4], 6),
        dense("1 feature to 1 unit", 1, [1], 1),
    ]


def relu_cases():
    torch.manual_seed(5)
    return [
        case("3x4x2 volume, batch 2", "relu", {}, torch.randn(2, 2, 3, 4), [], lambda x: F.relu(x)),
        case("vector of 9, batch 3", "relu", {}, torch.randn(3, 9), [], lambda x: F.relu(x)),
    ]


def flatten_cases():
    torch.manual_seed(6)
    return [case("3x4x2 volume, batch 2", "flatten", {}, torch.randn(2, 2, 3, 4), [], lambda x: x.flatten(1))]


def softmax_cases():
    torch.manual_seed(7)
    out = []
    for name, n, k, scale in [("4 rows of 5 classes", 4, 5, 1.0), ("1 row of 3 classes", 1, 3, 1.0),
                              ("large logits (stability), 3 rows of 4", 3, 4, 60.0)]:
        logits = (torch.randn(n, k) * scale).requires_grad_(True)
        labels = torch.randint(0, k, (n,))
        loss = F.cross_entropy(logits, labels)  # mean over the batch
        loss.backward()
        out.append({"name": name, "n": n, "k": k, "logits": flat(logits), "labels": labels.tolist(),
                     "loss": float(loss), "dlogits": flat(logits.grad)})
    return out


# ---- LeNet-5: values from a hash that GoldenTest's HashInit reproduces bit for bit ----

M32 = 0xFFFFFFFF


def hash_uniform(i, seed):
    """A number in [-1, 1) from index i and a seed: integer mixing mod 2^32, 24 bits of it."""
    x = (i * 0x9E3779B1 + seed * 0x85EBCA77) & M32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return (x >> 8) / 16777216.0 * 2.0 - 1.0


def hash_tensor(shape, seed, scale):
    # computed in double, then rounded to float32, exactly as the Java side does
    size = math.prod(shape)
    return torch.tensor([hash_uniform(i, seed) * scale for i in range(size)], dtype=torch.float64).float().reshape(shape)


class LeNet5(torch.nn.Module):
    """dev.hubel.zoo.LeNet5: CONV-RELU-POOL x2, CONV-RELU, FC-RELU, FC."""

    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(1, 6, 5)
        self.c3 = torch.nn.Conv2d(6, 16, 5)
        self.c5 = torch.nn.Conv2d(16, 120, 5)
        self.f6 = torch.nn.Linear(120, 84)
        self.out = torch.nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2, 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2, 2)
        x = F.relu(self.c5(x))
        x = F.relu(self.f6(x.flatten(1)))
        return self.out(x)


SAMPLED_ABOVE = 1000  # tensors larger than this are stored as samples and a projection


def summarise(t, seed):
    """The whole tensor if small, else 256 sampled entries and sum(t * hash_uniform(i, seed))."""
    v = t.detach().reshape(-1).double()
    if v.numel() <= SAMPLED_ABOVE:
        return {"full": flat(v)}
    g = torch.Generator().manual_seed(seed)
    idx = torch.randperm(v.numel(), generator=g)[:256].sort().values
    r = torch.tensor([hash_uniform(i, seed) for i in range(v.numel())], dtype=torch.float64)
    return {"index": idx.tolist(), "value": flat(v[idx]), "projectionSeed": seed,
            "projection": float((v * r).sum()), "absSum": float(v.abs().sum())}


def lenet5():
    net = LeNet5()
    params = list(net.parameters())  # c1.w, c1.b, c3.w, c3.b, ... as Hubel orders them
    with torch.no_grad():
        for k, p in enumerate(params):
            fan_in = math.prod(p.shape[1:]) if p.dim() > 1 else None
            scale = math.sqrt(6.0 / fan_in) if fan_in else 0.1  # He-uniform weights, small nonzero biases
            p.copy_(hash_tensor(p.shape, 11 + k, scale))
    x = hash_tensor((2, 1, 32, 32), 7, 1.0)
    labels = torch.tensor([3, 7])
    w0 = [p.detach().clone() for p in params]

    logits = net(x)
    loss = F.cross_entropy(logits, labels)
    net.zero_grad()
    loss.backward()
    grads = [summarise(p.grad, 100 + k) for k, p in enumerate(params)]
    first_logits, first_loss = flat(logits), float(loss)

    # Hubel's Sgd: momentum 0.9, decay 5e-4 on weights only; two steps on the same batch
    lr, momentum, decay = 0.05, 0.9, 5e-4
    weights = [p for p in params if p.dim() > 1]
    biases = [p for p in params if p.dim() == 1]
    opt = torch.optim.SGD([{"params": weights, "weight_decay": decay}, {"params": biases, "weight_decay": 0.0}],
                          lr=lr, momentum=momentum)
    losses = []
    for _ in range(2):
        opt.zero_grad()
        loss = F.cross_entropy(net(x), labels)
        losses.append(float(loss))
        loss.backward()
        opt.step()
    # the change, not the weights: it is small next to them, so comparing weights would hide it
    deltas = [summarise(p.detach() - w, 200 + k) for k, (p, w) in enumerate(zip(params, w0))]
    return {
        "hash": {"inputSeed": 7, "paramSeedBase": 11, "weightScale": "sqrt(6 / fanIn)", "biasScale": 0.1},
        "n": 2, "labels": labels.tolist(), "logits": first_logits, "loss": first_loss,
        "paramShapes": [list(p.shape) for p in params], "grads": grads,
        "sgd": {"lr": lr, "momentum": momentum, "weightDecay": decay, "steps": 2, "losses": losses, "deltas": deltas},
    }


# ---- sequences (embedding, conv1d, max over time), the sentence CNN, and a softmax over a map ----

def embedding(name, n, length, vocabulary, dim):
    # every id appears, most more than once, so the scatter-add must sum
    ids = torch.randint(0, vocabulary, (n, length))
    ids.view(-1)[:vocabulary] = torch.arange(vocabulary)
    wt = torch.randn(vocabulary, dim).requires_grad_(True)
    y = F.embedding(ids, wt).transpose(1, 2)  # (n, dim, length): channels by length, as conv1d takes it
    gy = torch.randn_like(y)
    y.backward(gy)
    return {
        "name": name, "op": "embedding", "config": {"vocabulary": vocabulary, "dim": dim},
        "input": [length], "n": n, "x": [float(i) for i in ids.reshape(-1).tolist()],
        "params": [flat(wt)], "y": flat(y), "outputShape": list(y.shape[1:]), "gy": flat(gy),
        "gx": [0.0] * (n * length),  # token ids get no gradient
        "gparams": [flat(wt.grad)],
    }


def conv1d(name, n, c, length, f, width, stride, pad):
    x = torch.randn(n, c, length)
    wt = torch.randn(f, c, width) / math.sqrt(c * width)
    b = torch.randn(f) * 0.1
    cfg = {"filters": f, "width": width, "stride": stride, "pad": pad}
    return case(name, "conv1d", cfg, x, [wt, b], lambda x, wt, b: F.conv1d(x, wt, b, stride=stride, padding=pad))


def sequence_cases():
    torch.manual_seed(8)
    return {
        "embedding.json": [
            embedding("5 tokens of a 7-token vocabulary into 4 dims, batch 3", 3, 5, 7, 4),
            embedding("8 tokens of a 3-token vocabulary into 2 dims, batch 2", 2, 8, 3, 2),
            embedding("1 token, vocabulary 1, dim 1", 1, 1, 1, 1),
        ],
        "conv1d.json": [
            conv1d("width 3 on 9x4, batch 2", 2, 4, 9, 3, 3, 1, 0),
            conv1d("width 5 pad 2 on 6x3, batch 3", 3, 3, 6, 2, 5, 1, 2),
            conv1d("width 2 stride 2 pad 1 on 8x2", 1, 2, 8, 3, 2, 2, 1),
            conv1d("width 1 (no im2col) on 5x3, batch 2", 2, 3, 5, 4, 1, 1, 0),
        ],
        "max_over_time.json": [
            case("6x4, batch 2", "maxOverTime", {}, torch.randn(2, 4, 6), [], lambda x: x.max(dim=2).values),
            case("1x3 (one position)", "maxOverTime", {}, torch.randn(1, 3, 1), [], lambda x: x.max(dim=2).values),
        ],
    }


def spatial_softmax():
    """A 1x1 convolution scoring each point of a 19x19 map, then one softmax over all 361 points."""
    torch.manual_seed(9)
    n = 2
    x = torch.randn(n, 2, 19, 19).requires_grad_(True)
    wt = (torch.randn(1, 2, 1, 1) / math.sqrt(2)).requires_grad_(True)
    b = (torch.randn(1) * 0.1).requires_grad_(True)
    labels = torch.tensor([200, 360])
    scores = F.conv2d(x, wt, b).view(n, -1)
    probs = F.softmax(scores, dim=1)
    loss = F.cross_entropy(scores, labels)
    loss.backward()
    return {"n": n, "x": flat(x), "params": [flat(wt), flat(b)], "labels": labels.tolist(),
            "probs": flat(probs), "loss": float(loss), "gx": flat(x.grad), "gparams": [flat(wt.grad), flat(b.grad)]}


class TextCnn(torch.nn.Module):
    """dev.hubel.zoo.TextCnn: embedding, conv1d widths 3, 4, 5 (100 maps each) + ReLU + max over time, concat, FC."""

    def __init__(self, vocabulary, dim, classes):
        super().__init__()
        self.embed = torch.nn.Embedding(vocabulary, dim)
        self.convs = torch.nn.ModuleList([torch.nn.Conv1d(dim, 100, w) for w in (3, 4, 5)])
        self.fc = torch.nn.Linear(300, classes)

    def forward(self, ids):
        words = self.embed(ids).transpose(1, 2)
        features = [F.relu(conv(words)).max(dim=2).values for conv in self.convs]
        return self.fc(torch.cat(features, dim=1))  # Kim's dropout (p = 0.5) acts only in training


def textcnn():
    vocabulary, length, dim, classes = 11, 9, 6, 3
    net = TextCnn(vocabulary, dim, classes)
    params = list(net.parameters())  # embed.w, conv3.w, conv3.b, conv4.w, ..., fc.w, fc.b: Hubel's order
    with torch.no_grad():
        for k, p in enumerate(params):
            fan_in = math.prod(p.shape[1:]) if p.dim() > 1 and k > 0 else 1
            scale = math.sqrt(6.0 / fan_in) if p.dim() > 1 else 0.1
            p.copy_(hash_tensor(p.shape, 31 + k, scale))
    ids = torch.tensor([[(7 * i + 3 * r) % vocabulary for i in range(length)] for r in range(2)])
    labels = torch.tensor([2, 0])
    logits = net(ids)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    return {
        "hash": {"paramSeedBase": 31, "weightScale": "sqrt(6 / fanIn), fanIn 1 for the embedding", "biasScale": 0.1},
        "config": {"vocabulary": vocabulary, "length": length, "dim": dim, "classes": classes},
        "n": 2, "ids": ids.reshape(-1).tolist(), "labels": labels.tolist(), "logits": flat(logits), "loss": float(loss),
        "paramShapes": [list(p.shape) for p in params], "grads": [summarise(p.grad, 300 + k) for k, p in enumerate(params)],
    }


def write_sequence_and_map_files():
    for file, cases in sequence_cases().items():
        write(file, cases)
    write("spatial_softmax.json", spatial_softmax())
    write("textcnn.json", textcnn())
# ---- graphs with branches and batch norm (GoldenGraphTest.java) ----
#
# Each case names a small graph that GoldenGraphTest builds with Layers. Its tensors are listed in
# Hubel's parameter order (node by node; a conv's weight then bias, a batch norm's weight, bias,
# running_mean, running_var); "buffers" marks the running statistics, which get no gradient and
# which a training forward pass updates in place: "paramsAfter" holds every tensor after it.

def graph_case(name, graph, config, x, tensors, buffers, fn, training=True):
    x = x.clone().requires_grad_(True)
    ts = [t.clone() if buf else t.clone().requires_grad_(True) for t, buf in zip(tensors, buffers)]
    before = [flat(t) for t in ts]
    y = fn(x, *ts)
    gy = torch.randn_like(y)
    y.backward(gy)
    return {
        "name": name, "graph": graph, "config": config, "training": training,
        "input": list(x.shape[1:]), "n": x.shape[0], "x": flat(x), "params": before,
        "y": flat(y), "outputShape": list(y.shape[1:]), "gy": flat(gy), "gx": flat(x.grad),
        "gparams": [flat(torch.zeros_like(t)) if buf else flat(t.grad) for t, buf in zip(ts, buffers)],
        "paramsAfter": [flat(t) for t in ts],
    }


def bn_tensors(c):
    """gamma, beta away from 1 and 0, and running statistics away from 0 and 1, so each is seen to act."""
    return [1 + 0.2 * torch.randn(c), 0.1 * torch.randn(c), 0.3 * torch.randn(c), 0.5 + torch.rand(c)]


def bn(x, g, b, rm, rv, training=True):
    return F.batch_norm(x, rm, rv, g, b, training=training, momentum=0.1, eps=1e-5)


def conv_w(f, c, k):
    return torch.randn(f, c, k, k) / math.sqrt(c * k * k)


BN_BUFFERS = [False, False, True, True]


def batchnorm_cases():
    torch.manual_seed(8)
    out = []
    for name, shape, training in [("volume 5x6x4, batch 3, training", (3, 4, 5, 6), True),
                                  ("volume 3x3x2, batch 2, training", (2, 2, 3, 3), True),
                                  ("volume 4x4x3, batch 2, inference (running statistics)", (2, 3, 4, 4), False),
                                  ("vector of 5, batch 4, training", (4, 5), True),
                                  ("vector of 5, batch 3, inference", (3, 5), False),
                                  ("sequence of 6 positions, 3 channels, batch 2, training", (2, 3, 6), True)]:
        x = 1.5 * torch.randn(*shape) + 0.7  # mean and spread away from 0 and 1
        out.append(graph_case(name, "batchNorm", {}, x, bn_tensors(shape[1]), BN_BUFFERS,
                              lambda x, g, b, rm, rv, t=training: bn(x, g, b, rm, rv, t), training))
    return out


def branch_cases():
    torch.manual_seed(9)
    out = []
    # y = conv(x) + x: the input reaches the output along two paths
    out.append(graph_case("residual: conv 3x3 pad 1 plus identity, batch 2", "residual", {"filters": 3},
                          torch.randn(2, 3, 5, 4), [conv_w(3, 3, 3), 0.1 * torch.randn(3)], [False, False],
                          lambda x, w, b: F.conv2d(x, w, b, padding=1) + x))
    # ResNet's basic block: conv-BN-relu-conv-BN, plus the identity, relu (convs without bias)
    t = [conv_w(4, 4, 3)] + bn_tensors(4) + [conv_w(4, 4, 3)] + bn_tensors(4)
    out.append(graph_case("basic block with identity shortcut, batch 3", "basicBlock", {"filters": 4, "stride": 1},
                          torch.randn(3, 4, 5, 5), t, [False] + BN_BUFFERS + [False] + BN_BUFFERS,
                          lambda x, w1, g1, b1, m1, v1, w2, g2, b2, m2, v2:
                          F.relu(bn(F.conv2d(F.relu(bn(F.conv2d(x, w1, padding=1), g1, b1, m1, v1)), w2, padding=1),
                                    g2, b2, m2, v2) + x)))
    # the block that halves the size and widens: 3x3 stride 2 on 6x6 floors to 3x3, as does the 1x1 projection
    t = [conv_w(6, 4, 3)] + bn_tensors(6) + [conv_w(6, 6, 3)] + bn_tensors(6) + [conv_w(6, 4, 1)] + bn_tensors(6)
    out.append(graph_case("basic block with projection shortcut, stride 2 on 6x6, batch 2", "basicBlock",
                          {"filters": 6, "stride": 2}, torch.randn(2, 4, 6, 6), t,
                          [False] + BN_BUFFERS + [False] + BN_BUFFERS + [False] + BN_BUFFERS,
                          lambda x, w1, g1, b1, m1, v1, w2, g2, b2, m2, v2, w3, g3, b3, m3, v3:
                          F.relu(bn(F.conv2d(F.relu(bn(F.conv2d(x, w1, stride=2, padding=1), g1, b1, m1, v1)), w2,
                                             padding=1), g2, b2, m2, v2)
                                 + bn(F.conv2d(x, w3, stride=2), g3, b3, m3, v3))))
    # option A: every second pixel of x, with zero channels before and after, added to a stride-2 conv
    out.append(graph_case("option A shortcut: 1x1 max pool stride 2 and zero channels, on 5x5, batch 2", "optionA",
                          {"filters": 6}, torch.randn(2, 2, 5, 5), [conv_w(6, 2, 3)], [False],
                          lambda x, w: F.conv2d(x, w, stride=2, padding=1) + F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, 2, 2))))
    # an inception-like module: 1x1, 3x3 pad 1 and a 3x3 max pool (stride 1, pad 1) stacked in depth
    out.append(graph_case("depth concat of 1x1 conv, 3x3 conv and 3x3 max pool, batch 2", "inception", {},
                          torch.randn(2, 3, 4, 5), [conv_w(2, 3, 1), 0.1 * torch.randn(2), conv_w(4, 3, 3),
                                                    0.1 * torch.randn(4)], [False] * 4,
                          lambda x, w1, b1, w2, b2: torch.cat(
                              [F.relu(F.conv2d(x, w1, b1)), F.relu(F.conv2d(x, w2, b2, padding=1)),
                               F.max_pool2d(x, 3, 1, 1)], dim=1)))
    # r feeds a conv without bias, a conv with bias and an add: its gradient is the sum of all three
    out.append(graph_case("a node feeding three others, batch 2", "sharedNode", {},
                          torch.randn(2, 2, 4, 4), [conv_w(3, 2, 3), 0.1 * torch.randn(3), conv_w(3, 3, 1),
                                                    conv_w(2, 3, 3), 0.1 * torch.randn(2)], [False] * 5,
                          lambda x, w0, b0, w1, w2, b2: (lambda r: torch.cat(
                              [F.conv2d(r, w1) + r, F.conv2d(r, w2, b2, padding=1)], dim=1))(
                              F.relu(F.conv2d(x, w0, b0, padding=1)))))
    # a node added to itself: dy reaches it twice
    out.append(graph_case("a node added to itself, batch 2", "selfAdd", {}, torch.randn(2, 2, 3, 3),
                          [conv_w(2, 2, 3), 0.1 * torch.randn(2)], [False, False],
                          lambda x, w, b: (lambda c: c + c)(F.conv2d(x, w, b, padding=1))))
    # global average pooling, then a fully connected layer over the 1x1xC volume
    out.append(graph_case("global avg pool of 5x6x3 then FC 4, batch 3", "globalAvgPool", {"units": 4},
                          torch.randn(3, 3, 5, 6), [torch.randn(4, 3) / math.sqrt(3), 0.1 * torch.randn(4)],
                          [False, False], lambda x, w, b: F.linear(x.mean(dim=(2, 3)), w, b)))
    return out


# ---- torchvision's ResNets: the zoo's wiring, value for value (GoldenGraphTest#resnetMatchesTorchvision) ----
#
# Parameter counts cannot tell where a bottleneck block strides (its 1x1 or its 3x3: torchvision
# "v1.5" strides on the 3x3) nor which way a block's branches are wired; the values can. Weights
# come from the hash both sides compute, and run in float64. First a training forward pass (batch
# statistics; it also moves every running statistic), then an inference pass on the running
# statistics, its loss and backward: the file holds both passes' logits and, for each trainable
# tensor in order, a hash-weighted projection of its gradient, plus sampled entries of a few.
# The gradient is taken in inference because in training it is ill-conditioned here: torch's own
# float32 gradients of ResNet-50's last blocks differ from its float64 ones by 10-30%.

def hash_uniform_array(size, seed):
    """hash_uniform for i = 0..size-1 at once, in numpy's wrapping 64-bit integers."""
    x = (np.arange(size, dtype=np.uint64) * np.uint64(0x9E3779B1) + np.uint64((seed * 0x85EBCA77) & M32)) & np.uint64(M32)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & np.uint64(M32)
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & np.uint64(M32)
    x ^= x >> np.uint64(16)
    return (x >> np.uint64(8)).astype(np.float64) / 16777216.0 * 2.0 - 1.0


def hash_fill(shape, seed, scale, offset=0.0):
    """offset + hash * scale, in double, then rounded to float32 (HashInit on the Java side)."""
    return torch.from_numpy(offset + hash_uniform_array(math.prod(shape), seed) * scale).float().reshape(shape)


def resnet_golden(name, size):
    import torchvision  # Debian's python3-torchvision
    assert all(hash_uniform_array(1000, 5)[i] == hash_uniform(i, 5) for i in range(1000))
    net = getattr(torchvision.models, name)(num_classes=10)
    named = list(net.named_parameters())
    with torch.no_grad():
        for k, (pname, p) in enumerate(named):
            seed = 300 + k
            if p.dim() > 1:  # conv and fc weights: He-uniform
                p.copy_(hash_fill(p.shape, seed, math.sqrt(6.0 / math.prod(p.shape[1:]))))
            elif pname.endswith("weight"):  # batch norm's scale, near 1
                p.copy_(hash_fill(p.shape, seed, 0.1, 1.0))
            else:  # batch norm's shift, the fc's bias
                p.copy_(hash_fill(p.shape, seed, 0.1))
    net.double()
    x = hash_fill((2, 3, size, size), 7, 1.0).double()
    labels = torch.tensor([3, 8])
    net.train()
    with torch.no_grad():
        train_logits = net(x)
    net.eval()
    logits = net(x)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    checked = {0, 1, len(named) - 2, len(named) - 1}  # first conv and BN, the fc
    grads = []
    for k, (pname, p) in enumerate(named):
        g = p.grad.detach().reshape(-1)
        r = torch.from_numpy(hash_uniform_array(g.numel(), 500 + k))
        entry = {"name": pname, "shape": list(p.shape), "projectionSeed": 500 + k,
                 "projection": float((g * r).sum()), "absSum": float(g.abs().sum())}
        if k in checked:
            entry.update(summarise(p.grad, 500 + k))
        grads.append(entry)
    return {"model": name, "input": [3, size, size], "n": 2, "inputSeed": 7, "paramSeedBase": 300,
            "labels": labels.tolist(), "trainingLogits": flat(train_logits), "logits": flat(logits),
            "loss": float(loss), "grads": grads}


def resnet_cases():
    try:
        import torchvision  # noqa: F401
    except ImportError:
        print("resnet_torchvision.json kept as it is: torchvision is missing (apt-get install python3-torchvision)")
        return None
    torch.manual_seed(10)
    return [resnet_golden("resnet18", 64), resnet_golden("resnet50", 64)]


def main():
    os.makedirs(OUT, exist_ok=True)
    write("conv2d.json", conv_cases())
    write("maxpool2d.json", maxpool_cases())
    write("avgpool2d.json", avgpool_cases())
    write("dense.json", dense_cases())
    write("relu.json", relu_cases())
    write("flatten.json", flatten_cases())
    write("softmax_xent.json", softmax_cases())
    write("lenet5.json", lenet5())
    write("batchnorm.json", batchnorm_cases())
    write("branches.json", branch_cases())
    resnets = resnet_cases()
    if resnets is not None:
        write("resnet_torchvision.json", resnets)
    write_alexnet_layers()
    write_sequence_and_map_files()


# ---- AlexNet's layers: grouped convolution, local response normalisation ----

def grouped_conv(name, n, c, h, w, f, size, stride, pad, groups):
    x = torch.randn(n, c, h, w)
    wt = torch.randn(f, c // groups, size, size) / math.sqrt(c // groups * size * size)
    b = torch.randn(f) * 0.1
    cfg = {"filters": f, "fh": size, "fw": size, "stride": stride, "pad": pad, "fit": "EXACT", "groups": groups}
    return case(name, "conv2d", cfg, x, [wt, b],
                lambda x, wt, b: F.conv2d(x, wt, b, stride=stride, padding=pad, groups=groups))


def grouped_conv_cases():
    torch.manual_seed(8)
    return [
        grouped_conv("2 groups, 3x3 pad 1 on 5x5, 4 channels to 6 filters, batch 2", 2, 4, 5, 5, 6, 3, 1, 1, 2),
        grouped_conv("2 groups, 5x5 pad 2 on 6x6 (AlexNet's CONV2), batch 3", 3, 6, 6, 6, 4, 5, 1, 2, 2),
        grouped_conv("3 groups, 1x1 (no im2col) on 4x5, 6 channels to 3 filters, batch 2", 2, 6, 4, 5, 3, 1, 1, 0, 3),
        grouped_conv("depthwise, 4 groups of 1 channel, 2 filters each, 3x3 stride 2 on 7x7", 1, 4, 7, 7, 8, 3, 2, 0, 4),
    ]


def lrn(name, n, c, h, w, size, alpha, beta, k, scale):
    # inputs scaled up so that the sum of squares moves the divisor well away from k^beta;
    # with AlexNet's alpha 1e-4 and unit inputs the layer would be nearly x / k^beta
    x = torch.randn(n, c, h, w) * scale
    cfg = {"size": size, "alpha": alpha, "beta": beta, "k": k}
    return case(name, "lrn", cfg, x, [], lambda x: F.local_response_norm(x, size, alpha, beta, k))


def lrn_cases():
    torch.manual_seed(9)
    return [
        lrn("AlexNet's size 5, alpha 1e-4, beta 0.75, k 2 on 4x5x7, batch 2", 2, 7, 4, 5, 5, 1e-4, 0.75, 2.0, 60.0),
        lrn("size 3, alpha 1, beta 0.5, k 1 on 3x3x6", 1, 6, 3, 3, 3, 1.0, 0.5, 1.0, 1.0),
        lrn("even size 4 (window c-2..c+1), alpha 0.5, beta 0.75, k 2 on 2x3x5, batch 3", 3, 5, 2, 3, 4, 0.5, 0.75, 2.0, 1.5),
        lrn("size 7 wider than 3 channels, alpha 2, beta 1, k 1", 2, 3, 3, 2, 7, 2.0, 1.0, 1.0, 1.0),
        lrn("size 1 (each channel alone), alpha 1, beta 0.75, k 0.5", 1, 4, 2, 2, 1, 1.0, 0.75, 0.5, 1.0),
    ]


def write_alexnet_layers():
    write("conv2d_grouped.json", grouped_conv_cases())
    write("lrn.json", lrn_cases())
    write("batchnorm.json", batchnorm_cases())
    write("branches.json", branch_cases())
    resnets = resnet_cases()
    if resnets is not None:
        write("resnet_torchvision.json", resnets)


if __name__ == "__main__":
    main()
