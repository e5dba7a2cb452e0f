"""LIME (Ribeiro et al., 2016) on image cells or tokens."""
import torch

from input_iba.registry import ATTRIBUTORS
from input_iba.utils.ranges import positive

from ._utils.surrogate import SurrogateAttributor


@ATTRIBUTORS.register_module()
class Lime(SurrogateAttributor):
    """Each feature on with probability 1/2 in every coalition (plus the
    full input once); a coalition ``z`` weighs
    ``exp(-d^2 / kernel_width^2)`` with ``d`` the cosine distance between
    ``z`` and the all-on pattern, ``1 - sqrt(|z| / M)``; a ridge regression
    (``ridge`` 1.0, as the lime package) gives the attributions, signed.
    Options: see :class:`SurrogateAttributor`.
    """

    value_ranges = dict(SurrogateAttributor.value_ranges, kernel_width=positive())

    def __init__(self, model, adapter=dict(type='ImageAdapter'), cell=16,
                 samples=1000, baseline=None, blur_sigma=20.0, output='logit',
                 ridge=1.0, kernel_width=0.25, internal_batch_size=64):
        super().__init__(model, adapter, cell, samples, baseline, blur_sigma,
                         output, ridge, internal_batch_size)
        self.kernel_width = kernel_width

    def coalitions(self, generator, num_features, device):
        z = (torch.rand(self.samples, num_features, generator=generator,
                        device=device) < 0.5).float()
        z = torch.cat([torch.ones(1, num_features, device=device), z])
        distance = 1 - (z.sum(1) / num_features).sqrt()
        return z, torch.exp(-distance**2 / self.kernel_width**2)
