"""Sensitivity-N (Ancona et al., 2018; methods.md §6)."""
import zlib

import numpy as np
import torch

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator


def default_ns(num_pixels, count=20, largest_share=0.625):
    """``count`` subset sizes on a log scale from 1 to ``largest_share`` of the
    pixels (31,360 of 224x224 for the default)."""
    top = max(1, int(num_pixels * largest_share))
    return sorted({int(round(v)) for v in np.logspace(0, np.log10(top), count)})


def pearson(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    a, b = a - a.mean(), b - b.mean()
    denom = np.sqrt((a**2).sum() * (b**2).sum())
    return float((a * b).sum() / denom) if denom > 0 else float('nan')


@EVALUATORS.register_module()
class SensitivityN(MaskEvaluator):
    """For each N, ``num_subsets`` random sets of N positions (pixels or
    tokens) are removed (set to ``baseline`` in all channels or embedding
    dimensions); the Pearson correlation between
    the sum of the attribution over the set and the drop of the target's
    logit is reported per N. Subsets are drawn from a generator seeded by
    ``seed`` and the sample's name, so every method meets the same subsets."""
    name = 'sensitivity_n'
    summary_keys = ('mean_correlation', )

    def __init__(self, model, ns=None, num_subsets=100, baseline=0.0, seed=0,
                 **kwargs):
        super().__init__(model, **kwargs)
        self.ns, self.num_subsets = ns, num_subsets
        self.baseline, self.seed = baseline, seed

    def evaluate_sample(self, item, mask, target):
        x = self.embed(item)
        num = int(np.prod(mask.shape))
        expand = self.position_expander(x, mask.shape)
        flat_mask = torch.as_tensor(np.asarray(mask, np.float64)).flatten()
        ns = [n for n in (self.ns or default_ns(num)) if n < num]
        rng = np.random.default_rng([self.seed, zlib.crc32(item['name'].encode())])
        full = self.logits(x[None], target)[0].item()
        correlations = []
        for n in ns:
            subsets = torch.as_tensor(np.stack([
                rng.choice(num, size=n, replace=False)
                for _ in range(self.num_subsets)]))
            keep = torch.ones(self.num_subsets, num, dtype=torch.bool)
            keep.scatter_(1, subsets, False)
            images = torch.stack([torch.where(expand(k), x, torch.full_like(x, self.baseline))
                                  for k in keep])
            drops = full - self.logits(images, target).numpy()
            sums = flat_mask[subsets].sum(1).numpy()
            correlations.append(pearson(sums, drops))
        finite = [c for c in correlations if np.isfinite(c)]
        return dict(target=target, ns=list(ns), correlations=correlations,
                    mean_correlation=float(np.mean(finite)) if finite else None)
