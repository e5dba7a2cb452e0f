"""Random-logit test (Sixt et al., 2020): does the map change with the class?"""
import zlib

import numpy as np
import torch

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator
from .rerun import build_rerun_attributor, explain
from .sanity_check import ssim


@EVALUATORS.register_module()
class RandomLogit(MaskEvaluator):
    """SSIM (as :class:`SanityCheck`) between the re-run map of the target and
    that of a random other class (drawn from ``seed`` and the sample's name).
    A class-sensitive method scores low; 1 means the map ignores the class.

    Args:
        attributor: config (without ``model``) or factory ``model -> attributor``.
        num_classes: the model's classes (None: read from one forward pass).
    """
    name = 'random_logit'
    reruns_attributor = True
    modalities = ('image', )  # SSIM of 2-D maps
    summary_keys = ('random_logit_ssim', )
    columns = (('random_logit_ssim', 'random-logit SSIM', False), )

    def __init__(self, model, attributor, num_classes=None, seed=0,
                 estimation_inputs=None, **kwargs):
        super().__init__(model, **kwargs)
        self.attributor = build_rerun_attributor(attributor, self.model,
                                                 estimation_inputs)
        self.num_classes, self.seed = num_classes, seed

    def other_class(self, name, target, num_classes):
        """A class other than ``target``, the same for every method."""
        rng = np.random.default_rng([self.seed, zlib.crc32(name.encode())])
        other = int(rng.integers(num_classes - 1))
        return other + (other >= target)

    def evaluate_sample(self, item, mask, target):
        x = item['inputs'][None]
        num = self.num_classes or self.count_classes(x)
        other = self.other_class(item['name'], target, num)
        maps = [explain(self.attributor, x, c, self.seed, item['name'])[0].numpy()
                for c in (target, other)]
        return dict(target=target, other_class=other,
                    random_logit_ssim=ssim(maps[0], maps[1]))

    @torch.no_grad()
    def count_classes(self, x):
        """The number of logits of the model."""
        return int(self.adapter.forward(self.model, x.to(self.device)).shape[-1])
