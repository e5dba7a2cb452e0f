"""MoRF / LeRF degradation with tiles (Schulz et al., ICLR 2020; the
degradation test of IBA and InputIBA)."""
import math

import numpy as np
import torch
import torch.nn.functional as F

from input_iba.registry import EVALUATORS
from input_iba.utils.ranges import count

from ..base import MaskEvaluator
from .insertion_deletion import auc, order_ranks, path_counts, path_inputs, pixel_order


def tile_ranks(mask, tile):
    """Rank of every pixel's ``tile`` x ``tile`` tile by the tile's mean
    attribution (0 = most relevant; ties: lower tile index first), and the
    number of tiles."""
    m = torch.as_tensor(np.asarray(mask, np.float64))[None, None]
    means = F.avg_pool2d(m, tile, ceil_mode=True)[0, 0]
    rank = order_ranks(pixel_order(means.numpy())).view(means.shape)
    h, w = mask.shape
    pixels = rank.repeat_interleave(tile, 0).repeat_interleave(tile, 1)[:h, :w]
    return pixels, means.numel()


@EVALUATORS.register_module()
class Degradation(MaskEvaluator):
    """Tiles of ``tile`` pixels are replaced by ``baseline``, ``tiles_per_step``
    at a time, most relevant first (MoRF) or least relevant first (LeRF),
    until all are gone. Scores are the target's softmax probability,
    normalised per image to 1 on the intact and 0 on the fully degraded
    image; ``degradation = lerf_auc - morf_auc`` (higher is better; the IBA
    paper's summary), areas over the fraction of tiles removed."""

    value_ranges = dict(MaskEvaluator.value_ranges, tile=count(), tiles_per_step=count())

    name = 'degradation'
    modalities = ('image', )  # square tiles of pixels
    summary_keys = ('morf_auc', 'lerf_auc', 'degradation')
    columns = (('morf_auc', 'MoRF', False), ('lerf_auc', 'LeRF', True),
               ('degradation', 'LeRF-MoRF', True))
    curve = dict(x='fractions', ys=[('morf', 'MoRF'), ('lerf', 'LeRF')],
                 x_label='fraction of tiles removed', y_label='normalised probability')

    def __init__(self, model, tile=8, tiles_per_step=8, baseline=0.0, **kwargs):
        super().__init__(model, **kwargs)
        self.tile, self.tiles_per_step, self.baseline = tile, tiles_per_step, baseline

    def evaluate_sample(self, item, mask, target):
        x = self.embed(item).to(self.device)
        rank, num = tile_ranks(mask, self.tile)
        rank = rank.to(self.device)[None].expand_as(x)
        counts = path_counts(num, self.tiles_per_step)
        removed = x.new_full(x.shape, self.baseline)

        def scores(r):
            return self.target_scores(
                (path_inputs(x, removed, r, chunk)
                 for chunk in torch.split(counts, self.batch_size)), target).numpy()

        morf, lerf = scores(rank), scores(num - 1 - rank)
        top, bottom = morf[0], morf[-1]  # the intact and the degraded image
        span = top - bottom
        norm = (lambda s: (s - bottom) / span) if abs(span) > 1e-12 else (lambda s: s * math.nan)
        fractions = counts.double().numpy() / num
        morf_n, lerf_n = norm(morf), norm(lerf)
        morf_auc, lerf_auc = auc(fractions, morf_n), auc(fractions, lerf_n)
        return dict(target=target, fractions=fractions.tolist(), morf=morf_n.tolist(),
                    lerf=lerf_n.tolist(), morf_raw=morf.tolist(), lerf_raw=lerf.tolist(),
                    morf_auc=morf_auc, lerf_auc=lerf_auc,
                    degradation=lerf_auc - morf_auc)
