#!/usr/bin/python3
"""Reads a safetensors file by the spec alone (struct, json, numpy; not Hugging Face's package) and
prints what it holds as JSON on stdout: SafeTensorsPythonTest compares that with what Java wrote.
Exits non-zero with the reason if the file breaks the spec.

    /usr/bin/python3 read_safetensors.py FILE
"""
import json
import struct
import sys

import numpy as np


def read(path):
    with open(path, 'rb') as f:
        blob = f.read()
    (n,) = struct.unpack('<Q', blob[:8])             # header length, u64 little-endian
    assert (8 + n) % 8 == 0, f'data starts at byte {8 + n}, not on an 8-byte boundary'
    text = blob[8:8 + n].decode('utf-8')
    assert text.startswith('{') and text.rstrip(' ').endswith('}'), 'header must be a JSON object padded with spaces'
    header = json.loads(text)
    keys = list(header)
    metadata = header.pop('__metadata__', {})
    data = memoryview(blob)[8 + n:]
    tensors, covered = {}, 0
    for name, t in sorted(header.items(), key=lambda kv: kv[1]['data_offsets']):
        begin, end = t['data_offsets']
        assert t['dtype'] == 'F32', f'{name}: dtype {t["dtype"]}'
        assert begin == covered, f'{name} starts at {begin}, expected {covered}: tensors must follow without gap or overlap'
        values = np.frombuffer(data[begin:end], dtype='<f4')
        assert values.size == int(np.prod(t['shape'], dtype=np.int64)), f'{name}: {values.size} values for shape {t["shape"]}'
        tensors[name] = values.reshape(t['shape'])
        covered = end
    assert covered == len(data), f'{len(data) - covered} bytes after the last tensor'
    return keys, metadata, tensors


if __name__ == '__main__':
    keys, metadata, tensors = read(sys.argv[1])
    json.dump({
        'header_keys': keys,
        'metadata': metadata,
        'tensors': {name: {'shape': list(v.shape), 'values': v.astype(np.float64).ravel().tolist()}
                    for name, v in tensors.items()},
    }, sys.stdout)
