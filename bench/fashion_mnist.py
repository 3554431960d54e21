"""Fashion-MNIST for the peers, read as mlpscope reads it.

The IDX gz files of Debian's dataset-fashion-mnist: images (N, 784) uint8, labels (N,) uint8.
mlpscope scales a pixel to x = byte / 255 when it gathers a batch (src/data/dataset.h) and
keeps the bytes; the peers convert once, up front, as a PyTorch user with the data "already in
memory as tensors" would.
"""
import gzip
import os

import numpy as np

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"


def _read_idx(path, magic, header_ints):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    found = int.from_bytes(raw[0:4], "big")
    if found != magic:
        raise ValueError(f"{path}: IDX magic {found:#x}, expected {magic:#x}")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(header_ints)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * header_ints)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {data.size} bytes of data for dimensions {dims}")
    return data.reshape(dims[0], -1) if header_ints > 1 else data


def load(split="train", limit=0, directory=DEFAULT_DIR):
    """(images uint8 (N, 784), labels int64 (N,)) of the first `limit` samples (0: all)."""
    prefix = "train" if split == "train" else "t10k"
    images = _read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz"), 0x803, 3)
    labels = _read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz"), 0x801, 1)
    if limit:
        images, labels = images[:limit], labels[:limit]
    return images, labels.astype(np.int64)


def features(images, dtype):
    """x = byte · (1/255) computed in float64, then rounded to dtype, as mlpscope gathers it."""
    return (images * (1.0 / 255.0)).astype(dtype)
