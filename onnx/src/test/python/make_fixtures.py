"""Writes the PyTorch-made ONNX fixtures that PyTorchImportTest reads into Hubel.

Run with Debian's PyTorch (python3-torch) and ONNX (python3-onnx) from the repository root:

    /usr/bin/python3 onnx/src/test/python/make_fixtures.py

For each small model below it writes onnx/src/test/resources/pytorch/NAME.onnx, exported by
torch.onnx.export as a user would (opset 13, batch axis left open, constant folding on), and
NAME.json with a batch of inputs and the outputs PyTorch computes for them in eval mode. The
weights come from a fixed seed, and batch norms get non-trivial running statistics, so that the
files are the same on every run of the same PyTorch.
"""
import json
import os

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "pytorch")


class LeNet(nn.Module):
    """LeNet-5 on 28x28 digits; x.view(x.size(0), -1) gives the exporter's Shape/Gather/Unsqueeze/Concat/Reshape chain."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.f5 = nn.Linear(16 * 5 * 5, 120)
        self.f6 = nn.Linear(120, 84)
        self.f7 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        x = x.view(x.size(0), -1)
        return self.f7(F.relu(self.f6(F.relu(self.f5(x)))))


class Residual(nn.Module):
    """A ResNet stem and one downsampling basic block (conv without bias, batch norm, 1x1 shortcut), global
    average pooling, and a softmax at the end, which Hubel leaves out and predict applies."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn0 = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(3, 2, padding=1)
        self.conv1 = nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(16, eps=1e-3)  # not Hubel's 1e-5: folded into the scale on import
        self.down = nn.Conv2d(8, 16, 1, stride=2, bias=False)
        self.bn3 = nn.BatchNorm2d(16)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.pool(F.relu(self.bn0(self.stem(x))))
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        x = F.relu(y + self.bn3(self.down(x)))
        x = F.adaptive_avg_pool2d(x, 1)
        return F.softmax(self.fc(torch.flatten(x, 1)), dim=1)


class Inception(nn.Module):
    """An inception module (1x1, 3x3 and 5x5 branches and a pooled one, concatenated), a ceil-mode max pool,
    a padded average pool, dropout, and a last layer written as x @ W + b (MatMul then Add)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.b1 = nn.Conv2d(8, 4, 1)
        self.b3r = nn.Conv2d(8, 4, 1)
        self.b3 = nn.Conv2d(4, 6, 3, padding=1)
        self.b5r = nn.Conv2d(8, 2, 1)
        self.b5 = nn.Conv2d(2, 4, 5, padding=2)
        self.bp = nn.Conv2d(8, 2, 1)
        self.drop = nn.Dropout(0.4)
        self.w = nn.Parameter(torch.randn(16 * 3 * 3, 7) * 0.1)
        self.b = nn.Parameter(torch.randn(7) * 0.1)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.stem(x)), 3, 2, ceil_mode=True)  # 15x15 -> 7x7 (floor would give 6x6... rounds up)
        a = F.relu(self.b1(x))
        b = F.relu(self.b3(F.relu(self.b3r(x))))
        c = F.relu(self.b5(F.relu(self.b5r(x))))
        d = F.relu(self.bp(F.max_pool2d(x, 3, 1, padding=1)))
        x = torch.cat([a, b, c, d], 1)
        x = F.avg_pool2d(x, 3, 2, padding=1)  # padding counted as zeros (count_include_pad), 7x7 -> 4x4
        x = F.max_pool2d(x, 2, 1)  # 4x4 -> 3x3
        x = self.drop(torch.flatten(x, 1))
        return x @ self.w + self.b


class LRN(torch.autograd.Function):
    """nn.LocalResponseNorm as the single ONNX operator LRN: PyTorch itself writes it as some twenty
    elementwise and pooling nodes, with an If, which is not what other exporters and the papers' models
    (Caffe's AlexNet and GoogLeNet in the ONNX model zoo) have."""

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        return F.local_response_norm(x, size, alpha, beta, k)

    @staticmethod
    def symbolic(g, x, size, alpha, beta, k):
        return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta, bias_f=k)


class AlexNetLike(nn.Module):
    """AlexNet's layers at a small size: a strided conv, max pools, LRN (NORM), convolutions in two groups
    (the two GPU towers), a Reshape to (-1, D) with a constant shape, dropout and fully connected layers."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 16, 5, stride=2)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1, groups=2)
        self.c3 = nn.Conv2d(32, 24, 3, padding=1, groups=2)
        self.f6 = nn.Linear(24 * 3 * 3, 32)
        self.f7 = nn.Linear(32, 6)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 3, 2)  # 31 -> 14 -> 6
        x = LRN.apply(x, 5, 1e-4 * 50, 0.75, 2.0)  # alpha raised so that the normalisation shows at this size
        x = F.relu(self.c2(x))
        x = F.max_pool2d(F.relu(self.c3(x)), 3, 2, ceil_mode=True)  # 6 -> 3 (ceil: floor would give 2)
        x = x.reshape(-1, 24 * 3 * 3)
        x = F.dropout(x, 0.5, self.training)
        return self.f7(F.relu(self.f6(x)))


MODELS = [
    ("lenet", LeNet, (1, 28, 28)),
    ("residual", Residual, (3, 16, 16)),
    ("inception", Inception, (3, 15, 15)),
    ("alexnet_like", AlexNetLike, (3, 31, 31)),
]


def statistics(model):
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.3)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.2)


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, make, shape in MODELS:
        torch.manual_seed(0)
        model = make()
        statistics(model)
        model.eval()
        x = torch.randn(2, *shape, generator=torch.Generator().manual_seed(2))
        with torch.no_grad():
            y = model(x)
        path = os.path.join(OUT, name + ".onnx")
        torch.onnx.export(model, x, path, opset_version=13, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "N"}, "output": {0: "N"}}, do_constant_folding=True,
                          # PRESERVE keeps batch norm and dropout as nodes (in eval mode, as the model is);
                          # EVAL would fold each batch norm into the convolution before it
                          training=torch.onnx.TrainingMode.PRESERVE)
        onnx.checker.check_model(onnx.load(path))
        ops = sorted({n.op_type for n in onnx.load(path).graph.node})
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump({"input_shape": list(x.shape), "input": x.flatten().tolist(),
                       "output_shape": list(y.shape), "output": y.flatten().tolist(),
                       "softmax": name == "residual", "operators": ops}, f)
            f.write("\n")
        print(name, os.path.getsize(path), "bytes:", ", ".join(ops))


if __name__ == "__main__":
    main()
