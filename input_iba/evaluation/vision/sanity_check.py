"""Cascading model randomisation (Adebayo et al., 2018; methods.md §6)."""
import copy

import numpy as np
import torch
from skimage.metrics import structural_similarity

from input_iba.registry import EVALUATORS
from input_iba.utils.ranges import count, integer

from ..base import MaskEvaluator
from .rerun import build_rerun_attributor, explain


def parametrised_layers(model):
    """Names of the modules that own parameters directly, from the output
    back to the input (the order of cascading randomisation)."""
    names = [name for name, m in model.named_modules()
             if any(True for _ in m.parameters(recurse=False))]
    return names[::-1]


def reinitialise(module):
    """Re-initialise every parametrised part of ``module`` (a layer or a
    whole block) with its own ``reset_parameters``."""
    for name, part in module.named_modules():
        if any(True for _ in part.parameters(recurse=False)):
            if not hasattr(part, 'reset_parameters'):
                raise ValueError(f'{type(part).__name__} {name!r} cannot be '
                                 're-initialised (no reset_parameters): pass '
                                 'layers=[...] without it.')
            part.reset_parameters()


def ssim(a, b):
    """SSIM of two maps after min-max scaling each to [0, 1]."""
    def scale(m):
        m = np.asarray(m, np.float64)
        span = m.max() - m.min()
        return (m - m.min()) / span if span > 0 else np.zeros_like(m)
    return float(structural_similarity(scale(a), scale(b), data_range=1.0))


@EVALUATORS.register_module()
class SanityCheck(MaskEvaluator):
    """Re-initialise the model's layers from the top down, one more at each
    step, re-run the attributor and report the SSIM between each new map and
    the original one. A method that depends on the model decays towards 0;
    an input-only method (an edge detector) stays at 1. ``repeat_ssim`` is the
    control: the SSIM of a re-run on the intact model with the evaluator's
    seed and statistics, the ceiling against which the decay is read (a
    method whose re-run already differs is not shown to depend on the model
    by a low SSIM after randomisation).

    Args:
        attributor: config of the attributor to re-run (without ``model``),
            or a factory ``model -> attributor``.
        layers: names of layers or blocks to randomise, top first (default:
            every module with parameters, output to input).
        max_steps: stop after this many layers.
        estimation_inputs: inputs ``(N, ...)``, or a function returning
            them, to re-estimate the layer statistics of each randomised
            model (needed by IBA, InputIBA).
    """

    value_ranges = dict(MaskEvaluator.value_ranges, max_steps=count(optional=True),
                        seed=integer())

    name = 'sanity_check'
    reruns_attributor = True
    modalities = ('image', )  # SSIM of 2-D maps
    summary_keys = ('final_ssim', 'mean_ssim', 'repeat_ssim')
    columns = (('repeat_ssim', 'SSIM of a re-run (control)', True),
               ('final_ssim', 'SSIM after randomisation', False))
    curve = dict(x=None, ys=[('ssim', 'SSIM to the original map')],
                 x_label='layers randomised (top first)', y_label='SSIM')

    def __init__(self, model, attributor, layers=None, max_steps=None, seed=0,
                 estimation_inputs=None, **kwargs):
        super().__init__(model, **kwargs)
        self.attributor_cfg = attributor
        self.layers = layers or parametrised_layers(self.model)
        if max_steps:
            self.layers = self.layers[:max_steps]
        self.seed = seed
        self.estimation_inputs = estimation_inputs

    def _attribute(self, model, item, target):
        att = build_rerun_attributor(self.attributor_cfg, model, self.estimation_inputs)
        return explain(att, item['inputs'][None], target, self.seed, item['name'])[0].numpy()

    def evaluate_sample(self, item, mask, target):
        model = copy.deepcopy(self.model)
        repeat = ssim(mask, self._attribute(model, item, target))
        modules = dict(model.named_modules())
        scores = []
        for step, name in enumerate(self.layers):
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(self.seed * 1000 + step)
                reinitialise(modules[name])
            scores.append(ssim(mask, self._attribute(model, item, target)))
        return dict(target=target, layers=list(self.layers), ssim=scores,
                    repeat_ssim=repeat, final_ssim=scores[-1],
                    mean_ssim=float(np.mean(scores)))
