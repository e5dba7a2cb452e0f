"""Atomic writers: a file either exists complete or not at all."""
import json
import os
import tempfile
from contextlib import contextmanager

import numpy as np
import torch

TMP_PREFIX = '.tmp-'


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    suffix = os.path.splitext(path)[1]
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=TMP_PREFIX, suffix=suffix)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_weights(path, missing, map_location='cpu'):
    """``torch.load(path, weights_only=True)``; a missing file raises
    ``FileNotFoundError(missing)`` (say how to make it)."""
    if not os.path.isfile(path):
        raise FileNotFoundError(missing)
    return torch.load(path, map_location=map_location, weights_only=True)


def save_npy(path, array):
    """Save ``array`` as float32 ``.npy`` atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, 'wb') as f:
            np.save(f, np.asarray(array, dtype=np.float32))


def save_json(path, obj):
    with atomic_path(path) as tmp:
        with open(tmp, 'w') as f:
            json.dump(obj, f, indent=2, sort_keys=True)


def save_text(path, text):
    with atomic_path(path) as tmp:
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(text)


def append_jsonl(path, record):
    """Append one JSON record as a line (used for logs of skipped samples)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'a', encoding='utf-8') as f:
        f.write(json.dumps(record, sort_keys=True) + '\n')
