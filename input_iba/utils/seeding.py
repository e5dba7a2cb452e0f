"""Per-sample seeds: results do not depend on batch size or sharding."""
import random
import zlib

import numpy as np
import torch


def sample_seed(seed, name):
    """A stable 31-bit seed for sample ``name`` under the global ``seed``."""
    return zlib.crc32(f'{seed}:{name}'.encode()) & 0x7FFFFFFF


def make_generators(seeds, device):
    """One ``torch.Generator`` per sample seed, on ``device``."""
    gens = []
    for s in seeds:
        g = torch.Generator(device=device)
        g.manual_seed(int(s))
        gens.append(g)
    return gens


def randn_per_sample(generators, shape, device, dtype=torch.float32):
    """Stack ``randn(shape)`` drawn from each sample's own generator."""
    return torch.stack([
        torch.randn(shape, generator=g, device=device, dtype=dtype)
        for g in generators
    ])


def rand_per_sample(generators, shape, device, dtype=torch.float32):
    """Stack ``rand(shape)`` (uniform on [0, 1)) from each sample's generator."""
    return torch.stack([
        torch.rand(shape, generator=g, device=device, dtype=dtype)
        for g in generators
    ])


def set_global_seed(seed):
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
