#!/usr/bin/python3
"""Writes core/src/test/resources/safetensors/tiny_from_python.safetensors by the spec alone (numpy
and json, as any tool outside Hubel might), and beside it tiny_from_python.json: one input and the
logits PyTorch computes for it from the same weights. SafeTensorsPythonTest loads the file into
Hubel and must get the same logits, which pins down the layout (PyTorch's, OIHW) end to end.

The tensors are stored sorted by name (as Hugging Face's writer does), the header lists them in
yet another order, and the JSON is Python's (with spaces): Hubel must rely on none of its own habits.

    /usr/bin/python3 core/src/test/python/make_safetensors_fixture.py
"""
import json
import os
import struct

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'resources', 'safetensors')

# The same builder calls Hubel's Architecture.describe writes for:
#   conv2d(input(2, 6, 6), 3 filters, 3x2, stride 1, pad 0) -> relu -> dense(4)
ARCHITECTURE = [
    {'name': 'INPUT', 'inputs': [], 'op': 'input', 'shape': [2, 6, 6]},
    {'name': 'CONV1', 'inputs': ['INPUT'], 'op': 'conv2d', 'filters': 3, 'fh': 3, 'fw': 2, 'stride': 1, 'pad': 0, 'fit': 'EXACT'},
    {'name': 'RELU1', 'inputs': ['CONV1'], 'op': 'relu'},
    {'name': 'FC2', 'inputs': ['RELU1'], 'op': 'dense', 'units': 4},
]


def write_safetensors(path, tensors, metadata):
    names = sorted(tensors)
    entries, offset = {}, 0
    for name in names:
        a = np.ascontiguousarray(tensors[name], dtype='<f4')
        entries[name] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [offset, offset + a.nbytes]}
        offset += a.nbytes
    header = {name: entries[name] for name in reversed(names)}
    header['__metadata__'] = metadata
    text = json.dumps(header).encode('utf-8')
    text += b' ' * (-(8 + len(text)) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for name in names:
            f.write(np.ascontiguousarray(tensors[name], dtype='<f4').tobytes())


def main():
    rng = np.random.default_rng(5)
    tensors = {
        'CONV1.weight': rng.standard_normal((3, 2, 3, 2)).astype(np.float32),   # (F, C, Fh, Fw)
        'CONV1.bias': rng.standard_normal(3).astype(np.float32),
        'FC2.weight': (0.2 * rng.standard_normal((4, 3 * 4 * 5))).astype(np.float32),  # (units, C*H*W)
        'FC2.bias': rng.standard_normal(4).astype(np.float32),
    }
    metadata = {
        'format': 'hubel-model',
        'format_version': '1',
        'name': 'tiny-from-python',
        'architecture': json.dumps(ARCHITECTURE),
        'normalization': json.dumps({'mean': [0.5, 0.25], 'std': [0.2, 0.4]}),
        'class_names': json.dumps(['cat', 'dog', 'bird', 'fish']),
    }
    write_safetensors(os.path.join(OUT, 'tiny_from_python.safetensors'), tensors, metadata)

    x = rng.standard_normal((1, 2, 6, 6)).astype(np.float32)
    t = {k: torch.from_numpy(v) for k, v in tensors.items()}
    h = torch.relu(torch.nn.functional.conv2d(torch.from_numpy(x), t['CONV1.weight'], t['CONV1.bias']))
    logits = torch.nn.functional.linear(h.flatten(1), t['FC2.weight'], t['FC2.bias'])
    with open(os.path.join(OUT, 'tiny_from_python.json'), 'w') as f:
        json.dump({'input': x.astype(np.float64).ravel().tolist(),
                   'logits': logits.detach().numpy().astype(np.float64).ravel().tolist(),
                   'FC2.bias': tensors['FC2.bias'].astype(np.float64).tolist()}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
