"""Explanation robustness: max-sensitivity (Yeh et al., 2019) and the local
Lipschitz estimate (Alvarez-Melis & Jaakkola, 2018)."""
import zlib

import numpy as np
import torch

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator
from .rerun import build_rerun_attributor, explain


class RobustnessEvaluator(MaskEvaluator):
    """Re-run ``attributor`` on ``num_perturbations`` noisy copies of the
    input (drawn from ``seed`` and the sample's name, all explained in
    batches of ``attribution_batch_size`` with the sample's seed) and on the
    input itself, and compare the maps (:meth:`score`: one number per copy).

    Args:
        attributor: config (without ``model``) or factory ``model -> attributor``.
        estimation_inputs: inputs (or a function returning them) for the
            layer statistics of IBA/InputIBA.
    """

    reruns_attributor = True
    modalities = ('image', )  # noise on continuous inputs, not on token ids

    def __init__(self, model, attributor, num_perturbations=10, seed=0,
                 estimation_inputs=None, attribution_batch_size=None, **kwargs):
        super().__init__(model, **kwargs)
        self.attributor = build_rerun_attributor(attributor, self.model,
                                                 estimation_inputs)
        self.num_perturbations, self.seed = num_perturbations, seed
        self.attribution_batch_size = attribution_batch_size

    def noise(self, generator, shape):
        raise NotImplementedError

    def score(self, e0, e, x, perturbed):
        raise NotImplementedError

    def perturbations(self, name, x):
        """The noisy copies ``(n, *x.shape)`` of sample ``name``."""
        g = torch.Generator().manual_seed(zlib.crc32(f'{self.seed}:{name}'.encode()))
        return x[None] + self.noise(g, (self.num_perturbations, ) + tuple(x.shape))

    def evaluate_sample(self, item, mask, target):
        x = item['inputs']
        inputs = torch.cat([x[None], self.perturbations(item['name'], x)])
        maps = explain(self.attributor, inputs, target, self.seed, item['name'],
                       self.attribution_batch_size).double()
        scores = self.score(maps[0], maps[1:], inputs[0].double(),
                            inputs[1:].double()).tolist()
        key = self.name
        return {'target': target, key: float(np.max(scores)),
                'mean_' + key: float(np.mean(scores)), 'per_perturbation': scores}


@EVALUATORS.register_module()
class MaxSensitivity(RobustnessEvaluator):
    """``max_i ||e(x + d_i) - e(x)|| / ||e(x)||`` over ``num_perturbations``
    draws ``d_i ~ U(-radius, radius)`` per input element (normalised input
    space; Quantus's default radius 0.2). Lower is more robust."""
    name = 'max_sensitivity'
    summary_keys = ('max_sensitivity', 'mean_max_sensitivity')
    columns = (('max_sensitivity', 'max-sensitivity', False), )

    def __init__(self, model, attributor, radius=0.2, **kwargs):
        super().__init__(model, attributor, **kwargs)
        self.radius = radius

    def noise(self, generator, shape):
        return (torch.rand(shape, generator=generator) * 2 - 1) * self.radius

    def score(self, e0, e, x, perturbed):
        norm = e0.norm()
        diff = (e - e0).flatten(1).norm(dim=1)
        return diff / norm if norm > 0 else torch.full_like(diff, float('nan'))


@EVALUATORS.register_module()
class LocalLipschitz(RobustnessEvaluator):
    """``max_i ||e(x_i) - e(x)|| / ||x_i - x||`` with
    ``x_i = x + N(0, std^2)`` (Quantus's default std 0.1), maps unscaled.
    Lower is more robust."""
    name = 'local_lipschitz'
    summary_keys = ('local_lipschitz', 'mean_local_lipschitz')
    columns = (('local_lipschitz', 'local Lipschitz', False), )

    def __init__(self, model, attributor, std=0.1, **kwargs):
        super().__init__(model, attributor, **kwargs)
        self.std = std

    def noise(self, generator, shape):
        return torch.randn(shape, generator=generator) * self.std

    def score(self, e0, e, x, perturbed):
        return ((e - e0).flatten(1).norm(dim=1)
                / (perturbed - x).flatten(1).norm(dim=1))
