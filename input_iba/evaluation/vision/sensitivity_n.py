"""Sensitivity-N (Ancona et al., 2018; methods.md §6)."""
import zlib

import numpy as np
import torch

from input_iba.registry import EVALUATORS
from input_iba.utils.ranges import count, integer

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
    ``seed`` and the sample's name, so every method meets the same subsets.
    Defaults: images 20 sizes on a log scale (:func:`default_ns`) with 100
    subsets each; text (a token adapter; ``baseline`` 0 is the padding
    embedding of our models) N = 1, 2, 4, ..., 64 with 50 subsets each.
    Tokenised text: the positions are words (all tokens of a word go
    together; special tokens stay); a document longer than the model is
    scored by the mean logit over its chunks."""

    value_ranges = dict(MaskEvaluator.value_ranges, num_subsets=count(optional=True),
                        seed=integer())

    name = 'sensitivity_n'
    summary_keys = ('mean_correlation', )
    columns = (('mean_correlation', 'sensitivity-N', True), )
    curve = dict(x='ns', ys=[('correlations', 'sensitivity-N')], x_label='N (positions)',
                 y_label='Pearson correlation', log_x=True)

    def __init__(self, model, ns=None, num_subsets=None, baseline=0.0, seed=0,
                 **kwargs):
        super().__init__(model, **kwargs)
        self.ns = self.by_modality(ns, image=None, text=(1, 2, 4, 8, 16, 32, 64))
        self.num_subsets = self.by_modality(num_subsets, image=100, text=50)
        self.baseline, self.seed = baseline, seed

    def random_subsets(self, name, num_positions, ns):
        """``num_subsets`` random position sets per N (``(num_subsets, N)``
        index tensors), the same for every method evaluated on ``name``."""
        rng = np.random.default_rng([self.seed, zlib.crc32(name.encode())])
        return [torch.as_tensor(np.stack([
            rng.choice(num_positions, size=n, replace=False)
            for _ in range(self.num_subsets)])) for n in ns]

    def evaluate_sample(self, item, mask, target):
        x = self.embed(item).to(self.device)
        num = int(np.prod(mask.shape))
        flat_mask = torch.as_tensor(np.asarray(mask, np.float64)).flatten()
        ns = [n for n in (self.ns or default_ns(num)) if n < num]
        removed = torch.full_like(x, self.baseline)
        chunks = self.chunks(item.get('word_ids'))
        full = self.logits(x[None], target, chunks)[0].item()

        def perturbed(subsets):
            keep = torch.ones(len(subsets), num, dtype=torch.bool, device=x.device)
            keep.scatter_(1, subsets.to(x.device), False)
            keep = self.spread(keep.view(-1, *mask.shape), x, item.get('word_ids'),
                               fill=True)
            return torch.where(keep, x.expand(len(subsets), *x.shape), removed)

        correlations = []
        for subsets in self.random_subsets(item['name'], num, ns):
            drops = full - self.target_scores(
                (perturbed(part) for part in torch.split(subsets, self.batch_size)),
                target, softmax=False, chunks=chunks).numpy()
            correlations.append(pearson(flat_mask[subsets].sum(1).numpy(), drops))
        finite = [c for c in correlations if np.isfinite(c)]
        return dict(target=target, ns=list(ns), correlations=correlations,
                    mean_correlation=float(np.mean(finite)) if finite else None)
