"""KernelSHAP (Lundberg & Lee, 2017): Shapley values of image cells or
tokens by a weighted linear regression."""
import torch

from input_iba.registry import ATTRIBUTORS

from ._utils.surrogate import SurrogateAttributor

#: weight of the empty and the full coalition, which pins the intercept to
#: f(baseline) and the sum of the attributions to f(x) - f(baseline)
ENDPOINT_WEIGHT = 1e6


@ATTRIBUTORS.register_module()
class KernelShap(SurrogateAttributor):
    """Coalition sizes ``s`` drawn with probability proportional to the
    Shapley kernel ``(M - 1) / (s (M - s))`` (``M`` features), members
    uniformly among the sets of that size, every draw with weight 1; the
    empty and the full coalition with weight ``1e6``. For a model linear in
    the features the fit is exact: cell ``k`` gets
    ``f(x with only k on) - f(baseline)``. Every position of a feature gets
    the feature's value (signed). Options: see :class:`SurrogateAttributor`."""

    def coalitions(self, generator, num_features, device):
        m = num_features
        ends = torch.stack([torch.zeros(m, device=device), torch.ones(m, device=device)])
        if m < 2:
            return ends, torch.full((2, ), ENDPOINT_WEIGHT, device=device)
        sizes = torch.arange(1, m, device=device, dtype=torch.float64)
        kernel = (m - 1) / (sizes * (m - sizes))
        size = torch.multinomial(kernel / kernel.sum(), self.samples, True,
                                 generator=generator) + 1
        order = torch.rand(self.samples, m, generator=generator, device=device).argsort(1)
        z = (order.argsort(1) < size[:, None]).float()  # `size` random members
        weights = torch.cat([torch.full((2, ), ENDPOINT_WEIGHT, device=device),
                             torch.ones(self.samples, device=device)])
        return torch.cat([ends, z]), weights
