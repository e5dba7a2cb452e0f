"""ROAD: remove and debias (Rong et al., ICML 2022)."""
import zlib

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
import torch

from input_iba.registry import EVALUATORS
from input_iba.utils.ranges import integer, non_negative

from ..base import MaskEvaluator
from .insertion_deletion import auc, order_ranks, pixel_order

# the paper's neighbour weights: 1/6 for the 4 direct, 1/12 for the 4 diagonal
NEIGHBOURS = [((-1, 0), 1 / 6), ((1, 0), 1 / 6), ((0, -1), 1 / 6), ((0, 1), 1 / 6),
              ((-1, -1), 1 / 12), ((-1, 1), 1 / 12), ((1, -1), 1 / 12), ((1, 1), 1 / 12)]


def linear_imputation(x, removed):
    """Fill the ``removed`` pixels (``(H, W)`` bool) of ``x`` (``(C, H, W)``,
    numpy) so that each is the weighted mean of its 8 neighbours (weights
    renormalised at the border), known pixels fixed: one sparse linear
    system, solved once per channel."""
    h, w = removed.shape
    unknown = np.flatnonzero(removed)
    if unknown.size == 0:
        return x.copy()
    index = -np.ones(h * w, dtype=np.int64)
    index[unknown] = np.arange(unknown.size)
    ys, xs = np.divmod(unknown, w)
    rows, cols, vals = [], [], []
    rhs = np.zeros((x.shape[0], unknown.size))
    total = np.zeros(unknown.size)
    flat = x.reshape(x.shape[0], -1)
    for (dy, dx), weight in NEIGHBOURS:
        ny, nx = ys + dy, xs + dx
        inside = (ny >= 0) & (ny < h) & (nx >= 0) & (nx < w)
        total[inside] += weight
        neighbour = ny[inside] * w + nx[inside]
        is_unknown = index[neighbour] >= 0
        me = np.flatnonzero(inside)
        rows.append(me[is_unknown])
        cols.append(index[neighbour[is_unknown]])
        vals.append(np.full(is_unknown.sum(), -weight))
        known = ~is_unknown
        rhs[:, me[known]] += weight * flat[:, neighbour[known]]
    rows.append(np.arange(unknown.size))
    cols.append(np.arange(unknown.size))
    vals.append(total)
    a = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows),
                                              np.concatenate(cols))),
                      shape=(unknown.size, unknown.size))
    solve = spla.factorized(a)
    out = flat.copy()
    for c in range(x.shape[0]):
        out[c, unknown] = solve(rhs[c])
    return out.reshape(x.shape)


@EVALUATORS.register_module()
class ROAD(MaskEvaluator):
    """For each fraction in ``fractions`` the most (MoRF) or least (LeRF)
    relevant pixels are removed and filled by noisy linear imputation (each
    the weighted mean of its neighbours, plus ``N(0, noise^2)``; noise from
    ``seed`` and the sample's name), so that the shape of the removed region
    leaks no class information; the score is the target's softmax
    probability. Low MoRF and high LeRF are good; ``difference`` is
    ``lerf_auc - morf_auc`` (areas over the fractions, trapezoid rule).
    Images only (channels in all positions)."""

    value_ranges = dict(MaskEvaluator.value_ranges, noise=non_negative(), seed=integer())

    name = 'road'
    modalities = ('image', )  # noisy linear imputation of pixels from their neighbours
    summary_keys = ('morf_auc', 'lerf_auc', 'difference')
    columns = (('morf_auc', 'ROAD MoRF', False), ('lerf_auc', 'ROAD LeRF', True),
               ('difference', 'ROAD LeRF-MoRF', True))
    curve = dict(x='fractions', ys=[('morf', 'MoRF'), ('lerf', 'LeRF')],
                 x_label='fraction removed', y_label='target probability')

    def __init__(self, model, fractions=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
                 noise=0.01, seed=0, **kwargs):
        super().__init__(model, **kwargs)
        self.fractions, self.noise, self.seed = tuple(fractions), noise, seed

    def imputed(self, x, rank, fraction, generator):
        """``x`` with its pixels of rank below ``fraction`` of all imputed."""
        removed = rank < int(round(fraction * rank.size))
        out = linear_imputation(x, removed)
        if self.noise:
            noise = generator.normal(0.0, self.noise, size=out.shape)
            out = np.where(removed[None], out + noise, out)
        return out

    def evaluate_sample(self, item, mask, target):
        embedded = self.embed(item)
        x = embedded.double().numpy()
        rank = order_ranks(pixel_order(mask)).view(mask.shape).numpy()
        g = np.random.default_rng([self.seed, zlib.crc32(item['name'].encode())])
        images = [self.imputed(x, r, f, g) for r in (rank, rank.size - 1 - rank)
                  for f in self.fractions]
        probs = self.probabilities(torch.as_tensor(np.stack(images), dtype=embedded.dtype),
                                   target).numpy()
        n = len(self.fractions)
        morf, lerf = probs[:n], probs[n:]
        fractions = list(self.fractions)
        morf_auc, lerf_auc = auc(fractions, morf), auc(fractions, lerf)
        return dict(target=target, fractions=fractions, morf=morf.tolist(),
                    lerf=lerf.tolist(), morf_auc=morf_auc, lerf_auc=lerf_auc,
                    difference=lerf_auc - morf_auc)
